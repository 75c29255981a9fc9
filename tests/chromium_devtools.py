"""Headless Chromium driven over the DevTools protocol on a pipe: no port, no driver library.

Chromium reads the protocol from file descriptor 3 and writes to 4 (``--remote-debugging-pipe``),
NUL-separated JSON.  :class:`Chromium` starts one browser with a fresh profile, attaches to its page and
keeps every event Chromium reports (``events``), so a test can look for script errors afterwards.  Used by
the console's browser tests and by ``cli/chromium_allow.py``, the stand-in browser of ``auth login``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-proxy-server",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-pipe"]  # fmt: skip


def reap(pid: int) -> None:
    """Wait for the process to exit (killed after 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


class Chromium:
    """One headless Chromium with one page attached (``session``)."""

    def __init__(self, profile_prefix: str = "chromium-") -> None:
        self.profile = tempfile.mkdtemp(prefix=profile_prefix)
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # via 10/11 first: the pipes may have got 3 or 4 themselves
        actions = [
            (os.POSIX_SPAWN_DUP2, to_r, 10),
            (os.POSIX_SPAWN_DUP2, from_w, 11),
            (os.POSIX_SPAWN_DUP2, 10, 3),
            (os.POSIX_SPAWN_DUP2, 11, 4),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        argv = [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.pid = os.posix_spawn(CHROMIUM, argv, os.environ, file_actions=actions)
        os.close(to_r)
        os.close(from_w)
        self.to_browser, self.from_browser = to_w, from_r
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        try:
            targets = self.call("Target.getTargets", timeout=30)["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            attached = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})
        except BaseException:
            self.close()
            raise
        self.session: str = attached["sessionId"]

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        """Send one command and wait for its answer (events read meanwhile go to ``events``)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if "id" not in answer:
                    self.events.append(answer)
                elif answer["id"] == self.next_id:
                    if "error" in answer:
                        raise RuntimeError(f"{method}: {answer['error']}")
                    result: dict[str, Any] = answer.get("result", {})
                    return result
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raise TimeoutError(method)

    def page(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A command to the page."""
        return self.call(method, params, self.session)

    def js(self, expression: str, *, wait: bool = False) -> Any:
        """The value of ``expression`` in the page (``wait``: await the promise it gives)."""
        answer = self.page(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": wait}
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer.get("result", {}).get("value")

    def click_at(self, selector: str) -> None:
        """A real mouse click in the middle of the element (no scrolling)."""
        box = json.loads(
            self.js(f"JSON.stringify(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
        )
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.page(
                "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
            )

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        reap(self.pid)
        os.close(self.to_browser)
        os.close(self.from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)
