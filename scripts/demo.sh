#!/usr/bin/env bash
# `make demo`: run the whole pipeline on sample_warcs/ and show the dataset package it made.
set -euo pipefail
cd "$(dirname "$0")/.."
# Output root: the first argument, else $CORPUSKIT_DEMO_OUT, else out/demo (the tests use a
# temporary folder; examples/demo.toml's [run] output is overridden with --output).
out_root="${1:-${CORPUSKIT_DEMO_OUT:-out/demo}}"
corpuskit=".venv/bin/corpuskit"

"$corpuskit" run examples/demo.toml --overwrite --output "$out_root"
echo
"$corpuskit" stats "$out_root"/extract "$out_root"/filter "$out_root"/dedup "$out_root"/decontaminate
echo
# Token shards for the trainer, with a byte-level BPE trained on the package itself.
"$corpuskit" tokenizer train "$out_root"/mix -o "$out_root"/tokenizer.json --vocab-size 2000
tokens_out="$("$corpuskit" tokenize "$out_root"/mix -o "$out_root"/tokens \
    --tokenizer "$out_root"/tokenizer.json --workers 2 --overwrite)"
echo "$tokens_out"
tokens_line="${tokens_out%%$'\n'*}"
echo "Token shards:    $(cd "$out_root/tokens" && pwd): ${tokens_line#*: *: }"
echo
"$corpuskit" card verify "$out_root"/mix
echo
echo "Dataset package: $(cd "$out_root/mix" && pwd)"
echo "---- head of its dataset card ($out_root/mix/README.md; YAML front matter skipped) ----"
# awk stops itself after 40 lines. No `| head -n 40` here: under pipefail, head exiting
# before awk has written everything kills awk with SIGPIPE and the demo with exit 141, by
# chance (issue 15). Keep every pipeline in this script free of early-exiting readers.
awk 'NR == 1 && /^---$/ { front = 1; next } front && /^---$/ { front = 0; next }
     !front { print; if (++shown == 40) exit }' "$out_root/mix/README.md"
echo
echo "Pipeline report (one HTML file, open it in a browser): $(cd "$out_root" && pwd)/report.html"
