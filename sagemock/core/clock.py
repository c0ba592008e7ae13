"""The time every resource is stamped with.

`Clock.now()` reads `datetime.datetime.now` at call time, so freezegun's frozen or ticking time
is honoured; `advance()` moves one mock's clock ahead of it, which is how a test lets time pass
for lifecycles that take seconds without sleeping.
"""
from __future__ import annotations

import datetime as _dt
import threading


class Clock:
    def __init__(self) -> None:
        self._offset = _dt.timedelta()
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        current = _dt.datetime.now(_dt.timezone.utc)
        return current + self._offset if self._offset else current

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass on this mock's clock."""
        with self._lock:
            self._offset += _dt.timedelta(seconds=seconds)
