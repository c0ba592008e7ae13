"""The state file as one JSON snapshot document (`sagemock.core.snapshot`), replaced atomically.

The `Medium` of state files that hold a JSON snapshot: those written by sagemock before state
files became SQLite databases (`sagemock.sqlite_state`), which keep being read and saved as JSON
(`sagemock.state_media.medium_for`). A save streams the snapshot into a temporary file in the same
directory, flushes it to disk, renames it over the old file and flushes the directory, so the file
on disk is always one whole snapshot, never a torn one, and a rename that was acknowledged
survives a power loss. Each save writes the whole state.

The file belongs to one server at a time (`sagemock.state_lock`).
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .core import snapshot
from .core.state import State
from .state_file import StateFileError
from .state_lock import LOCK_SUFFIX, HolderLock, sync_directory

#: A save is written to `.<name>.<random>.tmp` beside the file, then renamed over it.
_TEMPORARY_PREFIX = "."
_TEMPORARY_SUFFIX = ".tmp"
_COPY_CHUNK = 1 << 16


class JsonStateFile:
    """The state file at `path`: claimed by a lock file, read whole, written atomically."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._lock = HolderLock(self.path)
        self.lock_path = self._lock.lock_path

    def describe(self) -> str:
        return str(self.path)

    # -- who holds it ---------------------------------------------------------------------------

    def claim(self) -> None:
        self._lock.claim()
        self._remove_leftovers()

    def release(self) -> None:
        self._lock.release()

    def _remove_leftovers(self) -> None:
        """Delete the temporary files of saves that a killed server did not finish."""
        for leftover in self.path.parent.glob(f"{_TEMPORARY_PREFIX}{self.path.name}.*{_TEMPORARY_SUFFIX}"):
            try:
                leftover.unlink()
            except OSError:
                pass

    # -- reading and writing --------------------------------------------------------------------

    def load(self, state: State) -> bool:
        document = self.read()
        if document is None:
            return False
        snapshot.load(state, document)
        return True

    def read(self) -> Any:
        """The file's snapshot document; None when there is no file yet."""
        try:
            text = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StateFileError(f"cannot read the state file {self.path}: {error}") from None
        return snapshot.parse(text)

    def write(self, state: State) -> None:  # (the whole state, whatever changed)
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
        sync_directory(self.path.parent)

    def copy_to(self, send: Callable[[bytes], Any]) -> None:
        # The file open here stays the one read even if a save renames a newer one over it.
        with open(self.path, "rb") as handle:
            while True:
                piece = handle.read(_COPY_CHUNK)
                if not piece:
                    return
                send(piece)


__all__ = ["LOCK_SUFFIX", "JsonStateFile"]
