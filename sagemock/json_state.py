"""The state file as one JSON snapshot document (`sagemock.core.snapshot`), replaced atomically.

This is the `Medium` the server's `--state-file` uses (`sagemock.state_file` decides when it is
written and what happens when that fails). A save streams the snapshot into a temporary file in
the same directory, flushes it to disk, renames it over the old file and flushes the directory,
so the file on disk is always one whole snapshot, never a torn one, and a rename that was
acknowledged survives a power loss.

The file belongs to one server at a time: a lock file beside it (`state.json.lock`) is locked
while a server uses it and names that server (process id, host, start time), so a second server
pointed at the same file refuses to start and says who holds it. The lock is the operating
system's, so a killed server's lock goes with it; the lock file itself stays.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .core import snapshot
from .core.state import State
from .state_file import StateFileError

#: A save is written to `.<name>.<random>.tmp` beside the file, then renamed over it.
_TEMPORARY_PREFIX = "."
_TEMPORARY_SUFFIX = ".tmp"
#: The lock file beside the state file: `<name>.lock`.
LOCK_SUFFIX = ".lock"
_COPY_CHUNK = 1 << 16

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]


class JsonStateFile:
    """The state file at `path`: claimed by a lock file, read whole, written atomically."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + LOCK_SUFFIX)
        self._lock: int | None = None

    def describe(self) -> str:
        return str(self.path)

    # -- who holds it ---------------------------------------------------------------------------

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
        self._lock = descriptor
        self._remove_leftovers()

    def release(self) -> None:
        if self._lock is not None:
            descriptor, self._lock = self._lock, None
            try:
                os.ftruncate(descriptor, 0)  # the lock file names nobody while nobody holds it
            except OSError:
                pass
            os.close(descriptor)  # (closing releases the lock)

    def _remove_leftovers(self) -> None:
        """Delete the temporary files of saves that a killed server did not finish."""
        for leftover in self.path.parent.glob(f"{_TEMPORARY_PREFIX}{self.path.name}.*{_TEMPORARY_SUFFIX}"):
            try:
                leftover.unlink()
            except OSError:
                pass

    # -- reading and writing --------------------------------------------------------------------

    def read(self) -> Any:
        try:
            text = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StateFileError(f"cannot read the state file {self.path}: {error}") from None
        return snapshot.parse(text)

    def write(self, state: State) -> None:
        """Replace the file by the state's snapshot, all at once: the old or the new file, never part."""
        descriptor, temporary = tempfile.mkstemp(prefix=f"{_TEMPORARY_PREFIX}{self.path.name}.",
                                                 suffix=_TEMPORARY_SUFFIX, dir=self.path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii", newline="") as handle:
                snapshot.write(state, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
        _sync_directory(self.path.parent)

    def copy_to(self, send: Callable[[bytes], Any]) -> None:
        # The file open here stays the one read even if a save renames a newer one over it.
        with open(self.path, "rb") as handle:
            while True:
                piece = handle.read(_COPY_CHUNK)
                if not piece:
                    return
                send(piece)


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


def _sync_directory(directory: Path) -> None:
    """Flush the directory's entry for the renamed file to disk: a rename is durable only then."""
    if os.name != "posix":  # pragma: no cover (other systems have no directory descriptors to flush)
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


__all__ = ["LOCK_SUFFIX", "JsonStateFile"]
