"""Crash-safe refresh: the ``/token`` call and the save run in a short-lived helper process.

Sage invalidates the old refresh token the moment it issues a new pair.  If the process that asked
dies (SIGKILL, OOM killer, power to a container) after Sage answered and before the pair is on disk,
the connection is lost.  No code inside the dying process can prevent that, so with
``Connection(crash_safe_refresh=True)`` the refresh runs in a helper started in its own session: it
takes the store's lock, re-reads the store, refreshes only if still needed, saves atomically and
exits.  Killing the worker does not kill the helper, so a pair Sage has issued always reaches the
store.  If the helper cannot write the file, it hands the new pair back in its verdict (over the
pipe) and the parent keeps it and saves it itself.  The helper uses the standard library only (``python -I -S``), so it starts in milliseconds.

Works with :class:`FileTokenStore` on POSIX (the lock is ``flock`` on ``<path>.lock``, the same lock
``filelock`` takes) and a real network (not an in-process transport).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

HELPER = r"""
import fcntl, json, os, sys, time, datetime
from urllib.parse import quote, urlsplit
cfg = json.loads(sys.stdin.read())
out = {}
def now():
    return time.time() + cfg["clock_offset"]
def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()
def load():
    try:
        with open(cfg["path"], "rb") as f:
            return json.loads(f.read())
    except FileNotFoundError:
        return None
def expires(tok):
    return datetime.datetime.fromisoformat(tok["expires_at"].replace("Z", "+00:00")).timestamp()
def temp_name(suffix):
    directory = os.path.dirname(cfg["write_path"]) or "."
    return directory, os.path.join(directory, "." + os.path.basename(cfg["write_path"]) + "."
                                   + str(os.getpid()) + "." + os.urandom(4).hex() + suffix)
def probe():
    # A test write before the refresh token is spent: its successor must be savable.
    directory, tmp = temp_name(".probe")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, b"\0" * 16384)
        os.fsync(fd)
    finally:
        os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
def save(tok):
    directory, tmp = temp_name(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, json.dumps(tok, separators=(",", ":")).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, cfg["write_path"])
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
def form_encode(fields):
    return "&".join(quote(k, safe="") + "=" + quote(v, safe="") for k, v in fields.items()).encode()
def post(refresh_token):
    # The standard library's HTTP client: this script must start with no third-party imports.
    import http.client
    url = urlsplit(cfg["token_url"])
    form = form_encode({"grant_type": "refresh_token", "refresh_token": refresh_token,
                        "client_id": cfg["client_id"], "client_secret": cfg["client_secret"]})
    if url.scheme == "https":
        import ssl
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=cfg["timeout"],
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=cfg["timeout"])
    target = (url.path or "/") + ("?" + url.query if url.query else "")
    t0 = now()
    try:
        conn.request("POST", target, body=form, headers={
            "User-Agent": cfg["user_agent"], "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return response.status, response.read(), t0
    finally:
        conn.close()
def to_record(data, t0):
    known = {"access_token", "refresh_token", "expires_in", "refresh_token_expires_in", "scope", "token_type",
             "requested_by_id"}
    rin = data.get("refresh_token_expires_in")
    return {"access_token": data["access_token"], "refresh_token": data["refresh_token"],
            "expires_at": iso(t0 + float(data.get("expires_in") or 300)),
            "refresh_expires_at": iso(t0 + float(rin)) if rin else None,
            "scope": data.get("scope"), "token_type": data.get("token_type") or "bearer",
            "requested_by_id": None if data.get("requested_by_id") is None else str(data["requested_by_id"]),
            "extra": {k: v for k, v in data.items() if k not in known}}
def usable(tok):
    if tok is None or expires(tok) - now() <= cfg["leeway"]:
        return False
    return tok["access_token"] != cfg["stale"] and not (cfg["force"] and cfg["stale"] is None)
lock_fd = None
while True:
    try:
        lock_fd = os.open(cfg["lock_path"], os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        sys.stdout.write(json.dumps({"status": "lock", "error": type(exc).__name__,
                                     "detail": exc.strerror or str(exc)}))
        sys.exit(0)
    fcntl.flock(lock_fd, fcntl.LOCK_EX)
    if os.fstat(lock_fd).st_nlink:
        break
    os.close(lock_fd)
try:
    stored = load()
    if stored is None:
        out = {"status": "missing"}
    elif usable(stored):
        out = {"status": "adopted"}
    else:
        tries = [stored["refresh_token"]]
        try:
            probe()
        except OSError as exc:
            tries = None
            out = {"status": "unwritable", "error": type(exc).__name__, "detail": exc.strerror or str(exc)}
        while tries:
            status, body, t0 = post(tries[-1])
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                data = {}
            if status == 200 and isinstance(data, dict) and "access_token" in data:
                record = to_record(data, t0)
                try:
                    save(record)
                except Exception as exc:
                    # Sage has already invalidated the old pair: hand the new one to the parent, which
                    # keeps it in memory and tries to save it itself.
                    out = {"status": "unsaved", "token": record, "base": tries[-1],
                           "error": type(exc).__name__, "detail": str(exc)[:200]}
                    break
                out = {"status": "refreshed"}
                break
            error = data.get("error") if isinstance(data, dict) else None
            if error == "invalid_grant" and len(tries) == 1:
                again = load()
                if again is not None and again["refresh_token"] != tries[0]:
                    if usable(again):
                        out = {"status": "adopted"}
                        break
                    tries.append(again["refresh_token"])
                    continue
            out = {"status": "invalid_grant" if error == "invalid_grant" else "error", "http": status,
                   "error": error}
            break
except Exception as exc:
    out = {"status": "error", "error": type(exc).__name__, "detail": str(exc)[:200]}
finally:
    fcntl.flock(lock_fd, fcntl.LOCK_UN)
    os.close(lock_fd)
try:
    sys.stdout.write(json.dumps(out))
    sys.stdout.flush()
except Exception:
    pass
"""


def run_helper(config: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    """Run the helper with ``config`` and return its JSON verdict.

    The helper runs in a new session, so signals aimed at this process (or its group) spare it.
    """
    proc = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", HELPER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    try:
        stdout, _ = proc.communicate(json.dumps(config).encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        # Do not kill it: it may hold a freshly issued pair it has yet to save.
        return {"status": "error", "error": "timeout"}
    try:
        verdict: dict[str, Any] = json.loads(stdout or b"{}")
    except ValueError:
        verdict = {"status": "error", "error": "bad helper output"}
    return verdict
