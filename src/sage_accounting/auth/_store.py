"""Where the token pair lives between requests and between processes.

A ``TokenStore`` has four methods: ``load()``, ``save(token)``, ``clear()`` and ``lock()``, a context
manager that excludes every other worker (thread or process) sharing the store while one of them
refreshes.  Because Sage rotates the refresh token on every refresh, the store is the single source
of truth: the client re-reads it after taking the lock and saves a new pair before using it.

``lock()`` may be entered on one thread and exited on another when used from async code, so it must
not be tied to the thread that took it (``filelock.FileLock(thread_local=False)``, a database row lock
held by its own connection, ...).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import filelock

from .._errors import TokenStoreError
from .._files import atomic_write, check_writable, fsync_dir, open_to_others, write_target
from ._token import Token

log = logging.getLogger("sage_accounting")

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Persistence for one connection's token pair."""

    def load(self) -> Token | None:
        """The stored token, or ``None`` when nothing is stored."""
        ...

    def save(self, token: Token) -> None:
        """Store ``token`` durably, replacing the previous one; return only once it is safe."""
        ...

    def clear(self) -> None:
        """Forget the stored token (after a revoke)."""
        ...

    def lock(self) -> contextlib.AbstractContextManager[object]:
        """An exclusive lock over every worker sharing this store, held while refreshing."""
        ...


class MemoryTokenStore:
    """Keeps the token in memory: for one process (threads and tasks share it)."""

    def __init__(self, token: Token | None = None) -> None:
        self._token = token
        # A plain Lock (not RLock): async callers may release it from another thread.
        self._lock = threading.Lock()

    def load(self) -> Token | None:
        """The token held, if any."""
        return self._token

    def save(self, token: Token) -> None:
        """Hold ``token``."""
        self._token = token

    def clear(self) -> None:
        """Drop the token."""
        self._token = None

    def lock(self) -> contextlib.AbstractContextManager[object]:
        """The in-process lock."""
        return self._lock

    def __repr__(self) -> str:
        return f"MemoryTokenStore(token={self._token!r})"


class FileTokenStore:
    """A JSON file, shared safely by threads and processes on one machine.

    The file is created with mode 0600; every save writes a temporary file in the same directory,
    fsyncs it, renames it over the old one and fsyncs the directory, so a crash at any moment leaves
    either the old pair or the new one, never a torn file.  ``lock()`` is a ``filelock`` on
    ``<path>.lock``, which excludes other processes as well as other threads.
    """

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock = filelock.FileLock(
            str(self.lock_path), timeout=lock_timeout, mode=0o600, thread_local=False
        )
        # filelock counts re-entries within a process, so two threads would both "hold" it;
        # this plain Lock makes the store exclusive between threads too.
        self._thread_lock = threading.Lock()
        self._warned_open = False

    def load(self) -> Token | None:
        """Read the stored token; ``None`` when the file does not exist."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(f"cannot read token file {self.path}: {exc.strerror}") from None
        if not self._warned_open and (problem := self.exposed()):
            self._warned_open = True
            log.warning(
                "token file %s can be read by other users (%s): it is made private (0600) on the next "
                "save; run `chmod 600 %s` to fix it now",
                self.path,
                problem,
                self.path,
            )
        try:
            return Token.from_dict(json.loads(raw))
        except ValueError as exc:
            raise TokenStoreError(f"token file {self.path} is not a valid token: {exc}") from None
        except RecursionError:
            raise TokenStoreError(
                f"token file {self.path} is not a valid token: its JSON is nested too deeply"
            ) from None

    def exposed(self) -> str | None:
        """``"mode 0644"`` when the token file can be read by other users, else ``None``."""
        return open_to_others(self.path)

    def check_writable(self) -> None:
        """Raise ``TokenStoreError`` unless a new pair could be saved now (a test write of the size of a
        pair, fsync'd, in the file's directory): called before a refresh token is spent."""
        try:
            check_writable(self.path)
        except OSError as exc:
            raise TokenStoreError(f"cannot write token file {self.path}: {exc.strerror or exc}") from None

    def save(self, token: Token) -> None:
        """Atomically replace the file with ``token`` (fsync'd before and after the rename)."""
        data = json.dumps(token.to_dict(), separators=(",", ":")).encode("utf-8")
        try:
            atomic_write(self.path, data)
        except OSError as exc:
            raise TokenStoreError(f"cannot write token file {self.path}: {exc.strerror}") from None

    def clear(self) -> None:
        """Delete the file (through a symbolic link: its target goes, the link stays for the next save)."""
        target = write_target(self.path)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        fsync_dir(target.parent)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[object]:
        # filelock would create missing parent directories; a token file in a directory that does
        # not exist is a mistake to report, not a tree to create.
        if not self.path.parent.is_dir():
            raise TokenStoreError(
                f"cannot use token file {self.path}: its directory {self.path.parent} does not exist"
            )
        with self._thread_lock:
            try:
                self._lock.acquire()
            except filelock.Timeout:
                raise TokenStoreError(
                    f"cannot lock token file {self.path}: {self.lock_path} stayed locked by another "
                    f"process for {self._lock.timeout:g} s"
                ) from None
            except OSError as exc:
                raise TokenStoreError(
                    f"cannot lock token file {self.path}: cannot open its lock file {self.lock_path} "
                    f"({exc.strerror or exc})"
                ) from None
            try:
                yield self
            finally:
                self._lock.release()

    def lock(self) -> contextlib.AbstractContextManager[object]:
        """The cross-process lock on ``<path>.lock``."""
        return self._locked()

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
