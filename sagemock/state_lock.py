"""Who holds a state file: one server at a time, and a second one is told which.

A lock file beside the state file (`state.db.lock`) is locked while a server uses the state file
and names that server (process id, host, start time, command), so a second server pointed at the
same file refuses to start and says who holds it. The lock is the operating system's, so a killed
server's lock goes with it; the lock file itself stays. Every medium of `sagemock.state_file`
claims its file this way.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import sys
from pathlib import Path

from .state_file import StateFileError

#: The lock file beside the state file: `<name>.lock`.
LOCK_SUFFIX = ".lock"

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]


class HolderLock:
    """The lock on the state file at `path`, taken by `claim` and given up by `release`."""

    def __init__(self, path: Path):
        self.path = path
        self.lock_path = path.with_name(path.name + LOCK_SUFFIX)
        self._descriptor: int | None = None

    def claim(self) -> None:
        directory = self.path.parent
        if not directory.is_dir():
            raise StateFileError(f"the state file's directory does not exist: {directory}")
        try:
            descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StateFileError(f"cannot open the lock file {self.lock_path}: {error}") from None
        try:
            _lock(descriptor)
        except BlockingIOError:
            holder = _read_holder(descriptor)
            os.close(descriptor)
            raise StateFileError(f"the state file {self.path} is in use by another sagemock server ({holder}); "
                                 f"stop that server or give this one another state file") from None
        except OSError as error:
            os.close(descriptor)
            raise StateFileError(f"cannot lock {self.lock_path}: {error}") from None
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "since": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "command": " ".join(sys.argv)}
        os.ftruncate(descriptor, 0)
        os.lseek(descriptor, 0, os.SEEK_SET)
        os.write(descriptor, (json.dumps(me) + "\n").encode())
        self._descriptor = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            descriptor, self._descriptor = self._descriptor, None
            try:
                os.ftruncate(descriptor, 0)  # the lock file names nobody while nobody holds it
            except OSError:
                pass
            os.close(descriptor)  # (closing releases the lock)


def sync_directory(directory: Path) -> None:
    """Flush a directory's entries to disk: a file created or renamed in it is durable only then."""
    if os.name != "posix":  # pragma: no cover (other systems have no directory descriptors to flush)
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _lock(descriptor: int) -> None:
    if fcntl is not None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover (Windows: lock the first byte)
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None


def _read_holder(descriptor: int) -> str:
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        text = os.read(descriptor, 4096).decode("utf-8", "replace")
        holder = json.loads(text)
        return f"pid {holder['pid']} on {holder['host']}, since {holder['since']}: {holder['command']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not said which"


__all__ = ["LOCK_SUFFIX", "HolderLock", "sync_directory"]
