"""A minimal Language Server Protocol client for yaml-language-server (the editor's YAML engine).

The tests drive the real server (tests/js/node_modules, pinned by package-lock.json) over stdio
with the workspace settings the repository ships, open a file, and read what an editor would
show: diagnostics and completions.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from conftest import REPO

SERVER = REPO / "tests" / "js" / "node_modules" / "yaml-language-server" / "bin"
SERVER = SERVER / "yaml-language-server"


class YamlLanguageServer:
    """One server process for one workspace folder; `settings` is the `yaml` section."""

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        node = shutil.which("node")
        if node is None or not SERVER.is_file():
            raise RuntimeError("yaml-language-server is missing: run `make test` (npm ci)")
        self.root = root
        self.settings = settings
        self.process = subprocess.Popen(
            [node, str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict] = queue.Queue()
        self.diagnostics: dict[str, list[dict]] = {}
        self._next = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": "handbook"}],
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "completion": {"completionItem": {"documentationFormat": ["plaintext"]}}
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 30) -> Any:
        self._next += 1
        ident = self._next
        self._send({"id": ident, "method": method, "params": params})
        while True:
            message = self._wait(timeout)
            if message.get("id") == ident and "method" not in message:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result")

    def _wait(self, timeout: float) -> dict:
        message = self.messages.get(timeout=timeout)
        method = message.get("method")
        if method == "workspace/configuration":  # the server asks for the settings
            items = message["params"]["items"]
            answer = [self.settings if i.get("section") == "yaml" else None for i in items]
            self._send({"id": message["id"], "result": answer})
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        elif "id" in message and method is not None:  # any other request: say yes, with nothing
            self._send({"id": message["id"], "result": None})
        return message

    def open(self, path: Path, timeout: float = 30) -> list[dict]:
        """Open a file and return the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.diagnostics.pop(uri, None)
        text = path.read_text(encoding="utf-8")
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        while uri not in self.diagnostics:
            self._wait(timeout)
        return self.diagnostics[uri]

    def complete(self, path: Path, line: int, character: int) -> list[dict]:
        """Completion items at a 0-based position of an open file."""
        result = self.request(
            "textDocument/completion",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        return result.get("items", []) if isinstance(result, dict) else result or []

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
        except Exception:
            pass
        self.process.kill()
        self.process.wait(timeout=5)
        self.reader.join(timeout=5)  # it ends at the end of the server's output
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def __enter__(self) -> YamlLanguageServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
