"""When a monitoring schedule runs: its `ScheduleExpression`, and the ISO 8601 offsets of an analysis window.

ScheduleConfig.ScheduleExpression is "a cron expression that describes details about the monitoring
schedule" or the keyword `NOW` ("to run the monitoring job immediately, one time, without
recurring"). The API reference lists the forms Model Monitor supports (hourly `cron(0 * ? * * *)`,
daily `cron(0 [00-23] ? * * *)`, every N hours `cron(0 [00-23]/[01-24] ? * * *)`), but AWS accepts
other six-field cron expressions as well (AWS's SageMaker controller for Kubernetes updates a schedule
to `cron(0 * * * ? *)` in its end-to-end test and sees it Scheduled), so any expression in the
EventBridge cron syntax is read here: minutes, hours, day of month, month, day of week, year; with
`*`, `?`, values, ranges, steps and lists (the `L`, `W` and `#` forms are refused as unsupported).
EventBridge's rules hold: `?` belongs to the two day fields only, and "You can't specify the
Day-of-month and Day-of-week fields in the same cron expression. If you specify a value or a *
(asterisk) in one of the fields, you must use a ? (question mark) in the other" (EventBridge User
Guide, "Cron expressions reference"). Numbers are ASCII digits: Python's `int()` would also take
`1_000` and other scripts' digits (`١`), which no cron reader does.
In the hours field a step from a single hour goes round the clock, as the reference reads it: "Every
12 hours, starting at 5pm UTC: cron(0 17/12 ? * * *)" runs at 17:00 and 05:00.

DataAnalysisStartTime and DataAnalysisEndTime are ISO 8601 durations ("-PT5H"): offsets from the
time a run is scheduled. Their digits are ASCII too, and an offset is at most `MAX_OFFSET` long: a
window further away than that is not a time a run could analyse (nor one a datetime can hold).
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

NOW = "NOW"
_CRON = re.compile(r"cron\((.*)\)", re.IGNORECASE)
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
#: EventBridge numbers the days of the week 1 (SUN) to 7 (SAT).
_DAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
#: (lowest, highest, names) of each field, in the order the expression gives them.
_FIELDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (1, 7, _DAYS), (1970, 2199, {}))
_ASCII_DIGITS = re.compile(r"[0-9]+")
#: How far ahead a run is looked for: an expression that names no day in this span never runs.
_HORIZON_DAYS = 366 * 8
_DURATION = re.compile(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.ASCII)
#: The longest offset a window takes (AWS states none beyond the member's 15 characters; see
#: docs/monitoring.md): 100 years either way keeps every window of every run, up to the last year a
#: cron expression names (2199), within the years a datetime holds.
MAX_OFFSET = _dt.timedelta(days=36_525)
#: The two day fields (day of month, day of week), by their index among the six.
_DAY_FIELDS = (2, 4)


@dataclass(frozen=True)
class Expression:
    """A parsed ScheduleExpression: the values each cron field allows (None: any), or `once` for NOW."""

    text: str
    once: bool = False
    minutes: frozenset[int] = frozenset()
    hours: frozenset[int] = frozenset()
    days: frozenset[int] | None = None
    months: frozenset[int] | None = None
    weekdays: frozenset[int] | None = None
    years: frozenset[int] | None = None

    def next_after(self, moment: _dt.datetime) -> _dt.datetime | None:
        """The first run strictly after `moment` (UTC), or None if there is none."""
        if self.once:
            return None
        moment = moment.astimezone(_dt.timezone.utc)
        day = moment.date()
        for _ in range(_HORIZON_DAYS):
            if self._runs_on(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        run = _dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_dt.timezone.utc)
                        if run > moment:
                            return run
            day += _dt.timedelta(days=1)
        return None

    def runs(self, after: _dt.datetime, until: _dt.datetime) -> Iterator[_dt.datetime]:
        """Every run in (after, until]."""
        run = self.next_after(after)
        while run is not None and run <= until:
            yield run
            run = self.next_after(run)

    def period(self) -> _dt.timedelta | None:
        """The shortest time between two runs ("the frequency of the job"); None for NOW."""
        return _period(self)

    def _runs_on(self, day: _dt.date) -> bool:
        weekday = day.isoweekday() % 7 + 1  # ISO Monday=1 .. Sunday=7 -> EventBridge Sunday=1 .. Saturday=7
        return ((self.days is None or day.day in self.days) and (self.months is None or day.month in self.months)
                and (self.weekdays is None or weekday in self.weekdays)
                and (self.years is None or day.year in self.years))


@functools.lru_cache(maxsize=1024)
def _period(expression: Expression) -> _dt.timedelta | None:
    """Expression.period, computed once per expression from two months of its runs."""
    if expression.once:
        return None
    start = _dt.datetime(2001, 1, 1, tzinfo=_dt.timezone.utc)  # a Monday: every weekday comes within a week
    runs = list(expression.runs(start, start + _dt.timedelta(days=62)))
    gaps = [later - earlier for earlier, later in zip(runs, runs[1:], strict=False)]
    return min(gaps) if gaps else None


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Expression:
    """The expression `text` states; ValueError, saying why, for one that is not NOW or a cron expression.
    (Cached: a schedule's expression is read each time the schedule is looked at.)"""
    if text.strip().upper() == NOW:
        return Expression(text, once=True)
    found = _CRON.fullmatch(text.strip())
    if found is None:
        raise ValueError("it is neither NOW nor a cron expression such as cron(0 * ? * * *)")
    parts = found.group(1).split()
    if len(parts) != 6:
        raise ValueError(f"a cron expression has six fields (minutes, hours, day of month, month, day of week, "
                         f"year); {text} has {len(parts)}")
    for index, part in enumerate(parts):
        if "?" in part and index not in _DAY_FIELDS:
            raise ValueError(f"? is a wildcard of the day-of-month and day-of-week fields only, not of {part!r}")
    if "?" not in (parts[2], parts[4]):
        raise ValueError("you can't specify the day-of-month and day-of-week fields in the same cron expression: "
                         "if you specify a value or a * in one of them, you must use a ? in the other")
    values = [_field(part, *limits) for part, limits in zip(parts, _FIELDS, strict=True)]
    minutes, hours = values[0], _round_the_clock(parts[1]) or values[1]
    return Expression(text, minutes=minutes or frozenset(range(60)), hours=hours or frozenset(range(24)),
                      days=values[2], months=values[3], weekdays=values[4], years=values[5])


def _field(text: str, low: int, high: int, names: dict[str, int]) -> frozenset[int] | None:
    """The values one cron field allows; None for `*` and `?` (any)."""
    if text in ("*", "?"):
        return None
    allowed: set[int] = set()
    for item in text.upper().split(","):
        if any(mark in item for mark in ("L", "W", "#")) and not any(name in item for name in names):
            raise ValueError(f"the cron field {text!r} uses L, W or #, which sagemock does not evaluate")
        base, _, step_text = item.partition("/")
        step = _number(step_text, 1, high, {}) if step_text else 1
        if base in ("*", "?"):
            first, last = low, high
        elif "-" in base:
            start, end = base.split("-", 1)
            first, last = _number(start, low, high, names), _number(end, low, high, names)
        else:
            first = _number(base, low, high, names)
            last = high if step_text else first
        if first > last:
            raise ValueError(f"the cron range {item!r} ends before it begins")
        allowed.update(range(first, last + 1, step))
    return frozenset(allowed)


def _round_the_clock(text: str) -> frozenset[int] | None:
    """The hours of `start/step` when the step divides the day: every `step` hours from `start`, round
    the clock (`17/12` is 17:00 and 05:00); None for any other hours field."""
    found = re.fullmatch(r"(\d+)/(\d+)", text, re.ASCII)
    if found is None:
        return None
    start, step = int(found.group(1)), int(found.group(2))
    if not 0 <= start <= 23 or step < 1 or 24 % step:
        return None
    return frozenset((start + index * step) % 24 for index in range(24 // step))


def _number(text: str, low: int, high: int, names: dict[str, int]) -> int:
    value = names.get(text) if text in names else (int(text) if _ASCII_DIGITS.fullmatch(text) else None)
    if value is None or not low <= value <= high:
        raise ValueError(f"{text!r} is not a value of a cron field that runs from {low} to {high}")
    return value


def duration(text: str) -> _dt.timedelta:
    """An ISO 8601 duration with an optional sign ("-PT5H", "-P1D"), at most MAX_OFFSET long;
    ValueError, saying why, if `text` is not one."""
    found = _DURATION.fullmatch(text.strip())
    if found is None or not any(found.groups()[1:]):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as -PT1H")
    sign, *counts = found.groups()
    # Seconds in each unit, summed as integers: a count too large for a timedelta is refused, not raised.
    seconds = sum(int(count or 0) * unit for count, unit in zip(counts, (604_800, 86_400, 3_600, 60, 1), strict=True))
    if seconds > MAX_OFFSET.total_seconds():
        raise ValueError(f"{text!r} is longer than the {MAX_OFFSET.days} days (100 years) an offset may be")
    span = _dt.timedelta(seconds=seconds)
    return -span if sign == "-" else span
