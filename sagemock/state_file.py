"""A server's state kept on disk, so it survives a restart, a crash or a `kill -9`.

The file is a snapshot document (`sagemock.core.snapshot`). It is replaced atomically: the new
state is written to a temporary file in the same directory, flushed to disk, and renamed over
the old one, so the file on disk is always one whole snapshot, never a torn one.

Writes are durable before they are acknowledged. The server answers a write only once a save
that includes it is on disk (`wait_for`), so a killed server loses at most the writes still in
flight, whose clients got no answer. Saves are group commits: one writer thread saves the latest
state whenever something changed, and every request waiting meanwhile is released by that one
save. Under a burst of concurrent writes a save covers many of them; alone, a write costs one save.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from .core.snapshot import SnapshotError
from .core.state import State

log = logging.getLogger("sagemock.server")

#: A save is written to `.<name>.<random>.tmp` beside the file, then renamed over it.
_TEMPORARY_PREFIX = "."
_TEMPORARY_SUFFIX = ".tmp"


class StateFileError(RuntimeError):
    """The state file cannot be read or written."""


class StateFile:
    """The file at `path` mirroring `state`: `load()` once, `start()`, then `wait_for` writes."""

    def __init__(self, path: str | os.PathLike[str], state: State):
        self.path = Path(path)
        self.state = state
        self.saves = 0
        self._saved = 0  # the generation the file on disk holds
        self._failure: BaseException | None = None
        self._condition = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def load(self) -> bool:
        """Restore the state from the file; False when there is no file (a first start).

        A file that is not a snapshot this sagemock can read is an error, and the file is left
        alone: starting empty and overwriting it would throw away someone's state.
        """
        self._remove_leftovers()
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except OSError as error:
            raise StateFileError(f"cannot read the state file {self.path}: {error}") from None
        try:
            self.state.restore(json.loads(text))
        except (ValueError, SnapshotError) as error:
            raise StateFileError(f"the state file {self.path} is not a sagemock snapshot this version can "
                                 f"restore: {error}") from None
        self._saved = self.state.generation
        return True

    def _remove_leftovers(self) -> None:
        """Delete the temporary files of saves that a killed server did not finish."""
        for leftover in self.path.parent.glob(f"{_TEMPORARY_PREFIX}{self.path.name}.*{_TEMPORARY_SUFFIX}"):
            try:
                leftover.unlink()
            except OSError:
                pass

    def start(self) -> None:
        """Start the writer; the first save happens at once, so the file exists from the start."""
        directory = self.path.parent
        if not directory.is_dir():
            raise StateFileError(f"the state file's directory does not exist: {directory}")
        self._save()
        self._thread = threading.Thread(target=self._run, name="sagemock-state-file", daemon=True)
        self._thread.start()

    def wait_for(self, generation: int) -> None:
        """Block until the file holds every change up to `generation`."""
        with self._condition:
            self._condition.notify_all()
            while self._saved < generation and self._failure is None and not self._stopping:
                self._condition.wait()
            if self._failure is not None and self._saved < generation:
                raise StateFileError(f"cannot write the state file {self.path}: {self._failure}")

    def stop(self) -> None:
        """Save what is left and stop the writer."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.state.generation != self._saved:
            self._save()

    # -- the writer -------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._condition:
                while self.state.generation == self._saved and not self._stopping:
                    self._condition.wait(0.05)  # also woken by wait_for; the timeout catches stragglers
                if self._stopping:
                    return
            try:
                self._save()
            except OSError as error:
                log.error("sagemock could not write the state file %s: %s", self.path, error)
                with self._condition:
                    self._failure = error
                    self._condition.notify_all()
                return

    def _save(self) -> None:
        # Every change counted up to `generation` finished before the dump starts, so the dump
        # holds it (and perhaps later ones, which is harmless).
        generation = self.state.generation
        text = json.dumps(self.state.snapshot(), separators=(",", ":"), allow_nan=False)
        _write_atomically(self.path, text)
        with self._condition:
            self.saves += 1
            self._saved = max(self._saved, generation)
            self._condition.notify_all()


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` by a file holding `text`, all at once: the old or the new file, never part."""
    descriptor, temporary = tempfile.mkstemp(prefix=f"{_TEMPORARY_PREFIX}{path.name}.", suffix=_TEMPORARY_SUFFIX,
                                             dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


__all__ = ["StateFile", "StateFileError"]
