"""Headless Chromium for the console tests (``chromium_devtools``: the DevTools protocol on a pipe) with a
user's actions: go, click, type, screenshot.  Every event Chromium reports is kept, so a test can check that
no page had an uncaught script error or a Content Security Policy violation."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

from chromium_devtools import Chromium


class Browser(Chromium):
    """One headless Chromium with one page; ``events`` holds what it reported (exceptions, log entries)."""

    def __init__(self) -> None:
        super().__init__("console-chromium-")
        try:
            for domain in ("Page", "Runtime", "Log"):
                self.page(f"{domain}.enable")
            self.viewport(1200, 900)
        except BaseException:
            self.close()
            raise

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
        self.click_at(selector)

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
