"""A browser for ``auth login --browser-command``: headless Chromium, driven over the DevTools protocol,
opens the URL, clicks the consent page's Allow button like a user would (a real mouse click at the
button's position) and waits until the CLI's loopback callback page says "Signed in".

Usage: ``python chromium_allow.py URL`` (exit 0 when signed in).  The DevTools protocol runs over the
``--remote-debugging-pipe`` file descriptors 3 and 4 (NUL-separated JSON), so no port and no websocket
library are needed.  ``CHROMIUM_ALLOW_LOG`` names a file for a log of what happened.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


def log(text: str) -> None:
    path = os.environ.get("CHROMIUM_ALLOW_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{time.strftime('%H:%M:%S')} {text}\n")


class DevTools:
    """A DevTools protocol client over Chromium's pipe."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.buffer = b""
        self.next_id = 0

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 20,
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
                if answer.get("id") == self.next_id:
                    if "error" in answer:
                        raise RuntimeError(f"{method}: {answer['error']}")
                    result: dict[str, Any] = answer.get("result", {})
                    return result
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raise TimeoutError(method)

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        return result.get("result", {}).get("value")


def wait_for(devtools: DevTools, session: str, expression: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = devtools.evaluate(session, expression)
        except RuntimeError as exc:  # the page is navigating: its context went away
            last = str(exc)
        if last and last is not True and isinstance(last, str) and last.startswith("ok"):
            return last
        time.sleep(0.1)
    raise TimeoutError(f"waited for {expression!r}; last {last!r}")


def reap(pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


def main(url: str) -> int:
    profile = tempfile.mkdtemp(prefix="chromium-allow-")
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()

    # Chromium reads the protocol from fd 3 and writes to fd 4 (via 10/11, whatever numbers the pipes got).
    actions = [
        (os.POSIX_SPAWN_DUP2, to_r, 10),
        (os.POSIX_SPAWN_DUP2, from_w, 11),
        (os.POSIX_SPAWN_DUP2, 10, 3),
        (os.POSIX_SPAWN_DUP2, 11, 4),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    argv = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
    pid = os.posix_spawn(CHROMIUM, argv, os.environ, file_actions=actions)
    os.close(to_r)
    os.close(from_w)
    devtools = DevTools(to_w, from_r)
    try:
        targets = devtools.call("Target.getTargets", timeout=30)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        session = devtools.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
            "sessionId"
        ]
        devtools.call("Page.enable", session=session)
        log(f"navigating to {url.split('?')[0]}")
        devtools.call("Page.navigate", {"url": url}, session)
        wait_for(
            devtools,
            session,
            "document.readyState === 'complete' && document.getElementById('allow') ? 'ok' : 'waiting'",
        )
        user = devtools.evaluate(session, "document.getElementById('user').textContent")
        log(f"consent page for {user}")
        box = json.loads(
            devtools.evaluate(
                session, "JSON.stringify(document.getElementById('allow').getBoundingClientRect())"
            )
        )
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            devtools.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
                session,
            )
        log("clicked Allow")
        result = wait_for(
            devtools,
            session,
            "document.getElementById('result') && document.getElementById('result').textContent "
            "? 'ok ' + location.origin + "
            "location.pathname + ' ' + document.getElementById('result').textContent : 'waiting'",
        )
        log(f"callback page: {result}")
        return 0 if result.endswith("Signed in") else 1
    except Exception as exc:
        log(f"failed: {type(exc).__name__}: {exc}")
        return 1
    finally:
        try:
            devtools.call("Browser.close", timeout=5)
        except Exception:
            pass
        reap(pid)
        os.close(to_w)
        os.close(from_r)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
