"""Workers in separate processes sharing a FileTokenStore, over a real socket: one refresh among
four processes, and a worker SIGKILLed at random moments during refresh never loses the grant."""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
import time
from pathlib import Path

import pytest
from client_helpers import control

from sage_accounting import Connection, FileTokenStore, SageAccounting, Token
from sage_accounting.emulator import DEMO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")


def _connection(url: str, path: Path, **kwargs: object) -> Connection:
    return Connection(DEMO.client_id, DEMO.client_secret, host=url, store=FileTokenStore(path), **kwargs)  # type: ignore[arg-type]


def _seed_store(url: str, path: Path, *, expired: bool) -> Token:
    token = Token.from_response(control(url, "POST", "/tokens", json={"client_id": DEMO.client_id}))
    FileTokenStore(path).save(token.expired_copy() if expired else token)
    return token


def _refresh_count(url: str) -> int:
    return len(control(url, "GET", "/requests", params={"grant_type": "refresh_token"}))


def _fork(target: object) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 0
        try:
            target()  # type: ignore[operator]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


def test_four_processes_sharing_a_file_store_refresh_once(server_url: str, tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    _seed_store(server_url, path, expired=True)
    before = _refresh_count(server_url)
    go = tmp_path / "go"

    def worker() -> None:
        while not go.exists():
            time.sleep(0.005)
        with SageAccounting(_connection(server_url, path), business_id=DEMO.business_id) as sage:
            for _ in range(5):
                sage.tax_rates.list()

    pids = [_fork(worker) for _ in range(4)]
    go.touch()
    codes = [os.waitpid(pid, 0)[1] for pid in pids]
    assert codes == [0, 0, 0, 0]
    assert _refresh_count(server_url) - before == 1


def _refresh_in_progress(lock_path: Path) -> bool:
    """Whether a refresh holds the store's lock now (the crash-safe helper holds it from re-reading the
    store until the new pair is saved)."""
    import fcntl

    try:
        fd = os.open(lock_path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _lock_holder(lock_path: Path) -> int | None:
    """The process holding the flock on ``lock_path`` (from /proc/locks; waiters are skipped)."""
    try:
        inode = os.stat(lock_path).st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
            return int(parts[4])
    return None


def _parent(pid: int) -> int | None:
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat_line.rsplit(")", 1)[1].split()[1])


_PROC_LOCKS = Path("/proc/locks").exists()


class _Lane:
    """One token file, and the worker being killed in it round after round."""

    def __init__(self, url: str, path: Path, kills: int) -> None:
        self.url, self.path = url, path
        self.lock_path = path.with_name(path.name + ".lock")
        self.wanted = kills
        self.kills = self.attempts = self.verifications = 0
        self.pid: int | None = None
        self.helper = 0

    def _work(self) -> None:  # pragma: no cover - runs in the worker process
        conn = _connection(self.url, self.path, crash_safe_refresh=True)
        # Once the previous round's orphaned helper has saved its pair, every refresh here calls Sage
        # (none adopts a pair saved meanwhile), so each kill that lands costs one refresh.
        while _refresh_in_progress(self.lock_path):
            time.sleep(0.001)
        while True:
            conn.refresh()

    def _refreshing(self) -> int | None:
        """The worker's helper, once it holds the store's lock (Linux: known by its parent, so the
        previous round's orphan may still be finishing; elsewhere: the only lock holder)."""
        if _PROC_LOCKS:
            helper = _lock_holder(self.lock_path)
            return helper if helper is not None and _parent(helper) == self.pid else None
        return -1 if _refresh_in_progress(self.lock_path) else None

    def _still_refreshing(self) -> bool:
        if _PROC_LOCKS:
            return _lock_holder(self.lock_path) == self.helper
        return _refresh_in_progress(self.lock_path)

    def step(self) -> None:
        """Start a worker, or SIGKILL it once a refresh of its is under way, then check the store."""
        if self.pid is None:
            if not _PROC_LOCKS and _refresh_in_progress(self.lock_path):
                return  # the previous round's orphaned helper is still finishing
            self.attempts += 1
            assert self.attempts <= 2 * self.wanted, f"only {self.kills} kills landed during a refresh"
            self.pid = _fork(self._work)
            return
        helper = self._refreshing()
        if helper is None:
            assert os.waitpid(self.pid, os.WNOHANG) == (0, 0), "the worker died before refreshing"
            return
        self.helper = helper
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.pid = None
        # The refresh under way when the worker died is still under way: its helper outlives the worker
        # and saves the pair it gets.
        landed = self._still_refreshing()
        self.kills += landed
        # Never a torn or world-readable file.
        Token.from_dict(json.loads(self.path.read_bytes()))
        assert stat.S_IMODE(self.path.stat().st_mode) == 0o600
        if landed and self.kills % 10 == 0:
            self.verify()

    def verify(self) -> None:
        """The stored pair is one Sage accepts: once the orphaned helper has saved its pair, a new
        connection (nothing in memory) refreshes with it."""
        while _refresh_in_progress(self.lock_path):
            time.sleep(0.001)
        _connection(self.url, self.path).refresh()
        self.verifications += 1


def test_sigkill_during_refresh_never_loses_the_grant(server_url: str, tmp_path: Path) -> None:
    """200 workers are each SIGKILLed while one of their refreshes is in progress (its helper holds the
    store's lock before and after the kill); the stored pair is always one Sage accepts.  On Linux four
    token files are worked on side by side (50 kills each), to keep the test short."""
    lanes = []
    for number in range(4 if _PROC_LOCKS else 1):
        path = tmp_path / f"lane{number}" / "token.json"
        path.parent.mkdir()
        _seed_store(server_url, path, expired=False)
        lanes.append(_Lane(server_url, path, 200 // (4 if _PROC_LOCKS else 1)))
    before = _refresh_count(server_url)
    # Sage's answer takes a moment, so a refresh is in progress long enough to be caught.
    control(server_url, "POST", "/faults", json={"method": "POST", "path": "/token", "latency": 0.1,
                                                          "count": None})  # fmt: skip
    try:
        while busy := [lane for lane in lanes if lane.kills < lane.wanted]:
            for lane in busy:
                lane.step()
            time.sleep(0.0005)
    finally:
        control(server_url, "DELETE", "/faults")
        for lane in lanes:
            if lane.pid is not None:
                os.kill(lane.pid, signal.SIGKILL)
                os.waitpid(lane.pid, 0)
    for lane in lanes:
        lane.verify()
    kills = sum(lane.kills for lane in lanes)
    by_workers = _refresh_count(server_url) - before - sum(lane.verifications for lane in lanes)
    # Every kill landed during a refresh that then completed (in its orphaned helper).
    assert by_workers >= kills == 200, (by_workers, kills)
    for lane in lanes:
        # A worker killed between creating and renaming its temporary file may leave it behind, but
        # never in place of the store.
        leftovers = [p for p in lane.path.parent.iterdir() if p.name.endswith(".tmp")]
        assert all(p.name.startswith(".token.json.") for p in leftovers)
