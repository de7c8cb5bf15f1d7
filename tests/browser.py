"""Headless Chromium driven over the DevTools protocol, for the report's browser test.

Chromium comes from Debian's package (``apt-get install -y chromium``, tried by
``make install-test`` when running as root). It is started with a fresh profile, no
network features, and ``--remote-debugging-port=0``; the port it picked is read from its
stderr. The protocol runs over a WebSocket (tornado's client, already installed with
distributed). :func:`chromium_path` says why a test must skip when there is no browser.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


def chromium_path() -> tuple[str | None, str]:
    """(the browser's path, or None and the reason to skip)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found, ""
    return None, (
        "chromium is not installed: run `make install-test` as root (it runs "
        "`apt-get install -y chromium`), or install Debian's chromium package"
    )


class Chromium:
    """One headless browser process with one page, driven by DevTools commands."""

    def __init__(self, binary: str, profile: Path):
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.proc.returncode}")
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = int(match.group(1))
        if port is None:
            self.close()
            raise RuntimeError("chromium did not print its DevTools address within 60 s")
        # keep reading its log so a full pipe never blocks the browser
        self.log: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t["type"] == "page"]
        self.ws_url = pages[0]["webSocketDebuggerUrl"]
        self.loop = asyncio.new_event_loop()
        self.events: list[dict] = []
        self.next_id = 0
        self.ws = self.loop.run_until_complete(self._connect())

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    async def _connect(self):
        from tornado.websocket import websocket_connect

        return await websocket_connect(self.ws_url, max_message_size=256 * 1024 * 1024)

    async def _call(self, method: str, params: dict, timeout: float):
        self.next_id += 1
        wanted = self.next_id
        await self.ws.write_message(json.dumps({"id": wanted, "method": method, "params": params}))
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError("the DevTools connection closed")
            message = json.loads(raw)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def call(self, method: str, timeout: float = 60, **params):
        """Send one command and return its result; events seen meanwhile are kept."""
        return self.loop.run_until_complete(self._call(method, params, timeout))

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        """The first event named ``method`` (already seen, or the next ones)."""

        async def read():
            while True:
                for event in self.events:
                    if event["method"] == method:
                        return event
                raw = await asyncio.wait_for(self.ws.read_message(), timeout)
                if raw is None:
                    raise RuntimeError("the DevTools connection closed")
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)

        return self.loop.run_until_complete(read())

    def evaluate(self, expression: str):
        """The JSON value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error calls and error log entries seen so far."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def close(self) -> None:
        if getattr(self, "ws", None) is not None:
            self.ws.close()
        if getattr(self, "loop", None) is not None:
            self.loop.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
