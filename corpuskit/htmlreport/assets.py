"""The page's inline stylesheet and script (written for this report, no third-party code).

The script only adds conveniences: a box that filters the example documents by text, and
a click on a funnel row that scrolls to that filter's reasons. The page reads fully without it.
"""

STYLE = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d0d7de; --kept: #2f6f9f; --removed: #d9534f;
        --bg2: #f6f8fa; --mark: #ffe08a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
       margin: 0; background: #fff; }
header { padding: 20px 32px 8px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 2px 0; color: var(--muted); }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line);
      padding: 6px 32px; z-index: 2; }
nav a { margin-right: 18px; color: var(--kept); text-decoration: none; font-weight: 600; }
main { padding: 0 32px 40px; max-width: 1200px; }
h2 { margin-top: 32px; border-bottom: 2px solid var(--fg); padding-bottom: 4px; }
h3 { margin: 22px 0 6px; }
.note { color: var(--muted); font-size: 13px; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; border-radius: 6px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left;
         vertical-align: top; }
th { background: var(--bg2); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.clickable { cursor: pointer; }
tr.clickable:hover { background: var(--bg2); }
.reason-list span { display: inline-block; margin: 0 10px 2px 0; white-space: nowrap; }
.removed { color: var(--removed); }
svg.chart { width: 100%; max-width: 720px; height: auto; font: 11px system-ui, sans-serif; }
svg.chart text { fill: var(--fg); }
svg.chart text.tick { font-size: 10px; }
svg.chart text.axis { fill: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 8px 28px; }
.reason { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; margin: 14px 0; }
.reason h3 { margin-top: 4px; }
.example { border-left: 4px solid var(--removed); background: var(--bg2); padding: 8px 12px;
           margin: 10px 0; border-radius: 0 6px 6px 0; }
.example .url { font-family: ui-monospace, monospace; font-size: 13px; word-break: break-all; }
.excerpt { white-space: pre-wrap; font-size: 13px; background: #fff; border: 1px solid var(--line);
           padding: 6px 10px; max-height: 220px; overflow: auto; margin: 6px 0; }
table.signals td { padding: 2px 8px; font-size: 13px; }
tr.fails td { background: #ffebe9; font-weight: 600; }
.cluster { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 10px;
           margin: 8px 0 20px; }
.member { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; font-size: 13px; }
.member-kept { border-color: var(--kept); border-width: 2px; }
.member .url { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all;
           color: var(--muted); margin-bottom: 4px; }
.member .text { white-space: pre-wrap; max-height: 260px; overflow: auto; }
mark { background: var(--mark); }
#filter-box { padding: 4px 8px; width: 320px; margin: 8px 0; }
"""

SCRIPT = """
(function () {
  var box = document.getElementById('filter-box');
  if (box) {
    box.addEventListener('input', function () {
      var needle = box.value.toLowerCase();
      document.querySelectorAll('.example').forEach(function (el) {
        el.style.display = el.textContent.toLowerCase().indexOf(needle) >= 0 ? '' : 'none';
      });
    });
  }
  document.querySelectorAll('tr.clickable[data-target]').forEach(function (row) {
    row.addEventListener('click', function () {
      var target = document.getElementById(row.getAttribute('data-target'));
      if (target) { target.scrollIntoView({behavior: 'smooth'}); }
    });
  });
  var data = document.getElementById('report-data');
  if (data) { window.corpuskitReport = JSON.parse(data.textContent); }
})();
"""
