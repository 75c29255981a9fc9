"""Crash-safe file replacement, shared by the token file, the CLI's configuration and the emulator's
saved state; and the checks made before a file holding secrets is relied on."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "check_writable", "fsync_dir", "open_to_others", "write_target"]

# Bytes written by :func:`check_writable`: more than a token pair or a configuration file takes, so a
# disk that takes the probe takes the real file.
PROBE_SIZE = 16384


def write_target(path: Path) -> Path:
    """The file a write to ``path`` must replace: the target of a symbolic link (so the link is kept
    and the file it points to is updated), else ``path`` itself."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so that a crash at any moment leaves the old file or the new one,
    never a half-written one: a temporary file in the same directory (``mode`` set before a byte is
    written), fsync, ``os.replace``, fsync of the directory.  The temporary file is removed on error.

    A symbolic link is written through: its target is replaced and the link stays.  The new file
    always has ``mode``, so a file that was readable by others is private again after the write.
    """
    path = write_target(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def check_writable(path: Path) -> None:
    """Raise ``OSError`` unless :func:`atomic_write` could replace ``path`` now: a temporary file in
    its directory takes :data:`PROBE_SIZE` bytes and an fsync (a read-only mount, a full disk, a
    directory without write permission all fail here), and is removed."""
    target = write_target(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".probe")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"\0" * PROBE_SIZE)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def open_to_others(path: Path) -> str | None:
    """``"mode 0644"`` when the file at ``path`` can be read or written by users other than its owner
    (it holds secrets), else ``None`` (also when it does not exist)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if os.name != "posix" or not mode & 0o077:
        return None
    return f"mode {mode:04o}"


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry (a rename or a deletion) to disk, where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
