"""Headless Chromium for the console tests, driven over the DevTools protocol on a pipe (as
tests/cli/chromium_allow.py does: no port, no driver library).  It keeps every event Chromium reports, so a
test can check that no page had an uncaught script error or a Content Security Policy violation."""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-proxy-server",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-pipe"]  # fmt: skip


def reap(pid: int) -> None:
    """Wait for Chromium to exit (killed after 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


class Browser:
    """One headless Chromium with one page; ``events`` holds what it reported (exceptions, log entries)."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="console-chromium-")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
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
        targets = self.call("Target.getTargets", timeout=30)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=self.session)
        self.viewport(1200, 900)

    # --- protocol ---------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
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
        return self.call(method, params, self.session)

    def js(self, expression: str, *, wait: bool = False) -> Any:
        """The value of ``expression`` in the page (``wait``: await the promise it gives)."""
        answer = self.page(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": wait}
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer.get("result", {}).get("value")

    def wait(self, expression: str, timeout: float = 30) -> Any:
        """Wait until ``expression`` is truthy in a loaded page; its value."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = self.js(
                    f"(() => {{ if (document.readyState !== 'complete') return false; const v = ({expression}); "
                    "return v && typeof v === 'object' ? true : v; })()"
                )
            except RuntimeError as exc:  # navigating: the context went away
                last = str(exc)
            if last and not (isinstance(last, str) and last.startswith("Runtime.evaluate")):
                return last
            time.sleep(0.05)
        raise TimeoutError(f"waited for {expression!r}; last {last!r}")

    # --- a user's actions -------------------------------------------------------------------------

    def go(self, url: str) -> None:
        self.page("Page.navigate", {"url": url})

    def viewport(self, width: int, height: int, mobile: bool = False) -> None:
        self.page("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})  # fmt: skip

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (scrolled into view first)."""
        self.wait(f"document.querySelector({json.dumps(selector)})")
        self.js(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
        box = json.loads(
            self.js(f"JSON.stringify(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
        )
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.page(
                "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
            )

    def click_link(self, text: str) -> None:
        """Click the link whose text is ``text``."""
        self.js(
            "(() => { const a = [...document.querySelectorAll('a')].find(e => e.textContent.trim() === "
            f"{json.dumps(text)}); a.id = a.id || 'clicked-link'; }})()"
        )
        selector = self.js(
            f"'#' + [...document.querySelectorAll('a')].find(e => e.textContent.trim() === {json.dumps(text)}).id"
        )
        self.click(selector)

    def type(self, selector: str, text: str) -> None:
        """Focus the field and type ``text`` into it."""
        self.click(selector)
        self.page("Input.insertText", {"text": text})

    def screenshot(self, path: Path) -> None:
        data = self.page("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        path.write_bytes(base64.b64decode(data))

    # --- what went wrong --------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Uncaught script errors and CSP violations (or other script/security errors) Chromium reported."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.exceptionThrown":
                found.append(json.dumps(params.get("exceptionDetails", {}))[:300])
            elif event.get("method") == "Log.entryAdded":
                entry = params.get("entry", {})
                text = entry.get("text", "")
                if "Content Security Policy" in text or (
                    entry.get("level") == "error"
                    and entry.get("source") in ("javascript", "security", "network")
                ):
                    found.append(f"{entry.get('source')}: {text}")
        return found

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        reap(self.pid)
        os.close(self.to_browser)
        os.close(self.from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)
