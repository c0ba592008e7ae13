"""The search space of a hyperparameter tuning job: its ranges, read and checked as AWS documents
them, and the values of the hyperparameters each training job it launches gets.

A `Space` holds one training job definition's `ParameterRanges` (integer, continuous and categorical
ranges, and Autotune's `AutoParameters`). It knows how many distinct combinations the ranges hold
(none to count once a continuous range is among them), the grid a `Grid` strategy walks, and how
to draw one combination for the `Random`, `Bayesian` and `Hyperband` strategies, on the scale each
range asks for. Nothing here touches a store: the tuning family (`tuning.py`) decides when to draw.

What AWS documents and this module enforces ("Define Hyperparameter Ranges" and "How
Hyperparameter Tuning Works" in the Developer Guide, the API reference of the range shapes):

* "Logarithmic scaling works only for ranges that have only values greater than 0."
* "Reverse logarithmic scaling is supported only for continuous hyperparameter ranges. It is not
  supported for integer hyperparameter ranges", and "works only for ranges that are entirely within
  the range 0<=x<1.0".
* Grid search: "Only categorical parameters are supported when using the grid search strategy";
  the number of training jobs "will be automatically calculated to be the total number of distinct
  categorical combinations possible".
* A categorical value given twice is one category: "the total number of distinct categorical
  combinations" counts it once, and a draw takes it no more often than the others.
* "You can define up to 30 total (categorical + integer + continuous) tunable hyperparameters to
  search over" (the model's list maximum, read from it).

Where AWS states no wording, the messages are sagemock's.
"""
from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..core import service
from ..core.errors import ValidationError

#: The three kinds of range a ParameterRanges holds, as (member, kind).
KINDS = (("IntegerParameterRanges", "Integer"), ("ContinuousParameterRanges", "Continuous"),
         ("CategoricalParameterRanges", "Categorical"))
#: The spaces small enough to enumerate when a draw must avoid the combinations already taken.
ENUMERABLE = 100_000
#: A combination of values as a set member (`key`).
Combination = frozenset[tuple[str, str]]
#: How many draws a combination already taken may cost before the remaining ones are enumerated.
ATTEMPTS = 64


@dataclass(frozen=True)
class Numeric:
    """An integer range (exact bounds) or a continuous one (finite float bounds)."""

    name: str
    low: int | float
    high: int | float
    scaling: str
    integer: bool

    @property
    def count(self) -> int | None:
        return int(self.high - self.low) + 1 if self.integer else None

    def values(self) -> Iterator[str]:
        return (str(value) for value in range(int(self.low), int(self.high) + 1))

    def draw(self, rng: random.Random) -> str:
        if self.integer:
            first, last = int(self.low), int(self.high)
            if self.scaling == "Logarithmic" and last < 1e300:
                drawn = int(math.exp(rng.uniform(math.log(first), math.log(last + 1))))
                return str(min(max(drawn, first), last))
            return str(rng.randint(first, last))
        low, high, share = float(self.low), float(self.high), rng.random()
        if self.scaling == "Logarithmic":
            return repr(min(max(math.exp(_between(math.log(low), math.log(high), share)), low), high))
        if self.scaling == "ReverseLogarithmic":
            value = 1.0 - math.exp(_between(math.log(1.0 - high), math.log(1.0 - low), share))
            return repr(min(max(value, low), high))
        return repr(_between(low, high, share))


def _between(low: float, high: float, share: float) -> float:
    """The point `share` of the way from low to high, finite for any finite bounds."""
    return low * (1.0 - share) + high * share


@dataclass(frozen=True)
class Categorical:
    """A categorical range: its distinct values, in the order first given (AWS states no rule against
    a value given twice; it is one category, so one combination and one draw's worth)."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Space:
    """One definition's ranges (`ParameterRanges` or a definition's `HyperParameterRanges`)."""

    numeric: tuple[Numeric, ...]
    categorical: tuple[Categorical, ...]
    #: Autotune's AutoParameters: name -> the value hinted (every training job takes the hint).
    auto: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, ranges: Mapping[str, Any] | None, where: str) -> Space:
        """The ranges of a request, checked; `where` names them in messages."""
        ranges = ranges or {}
        numeric: list[Numeric] = []
        for member, kind in KINDS[:2]:
            for item in ranges.get(member) or ():
                numeric.append(_numeric(item, kind, f"{where}.{member}"))
        categorical = tuple(Categorical(item["Name"], tuple(dict.fromkeys(item["Values"])))
                            for item in ranges.get("CategoricalParameterRanges") or ())
        auto = tuple((item["Name"], item["ValueHint"]) for item in ranges.get("AutoParameters") or ())
        space = cls(tuple(numeric), categorical, auto)
        names = space.tuned_names() + [name for name, _hint in auto]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValidationError(f"{where}: the hyperparameter {repeated[0]} is given more than one range; each "
                                  "tunable hyperparameter takes one.")
        most = service.max_of("IntegerParameterRanges")
        if len(space.tuned_names()) > most:
            raise ValidationError(f"{where}: {len(space.tuned_names())} hyperparameters are given ranges; the sum of "
                                  f"the numbers of hyperparameters of all the ranges can't exceed {most}.")
        return space

    def tuned_names(self) -> list[str]:
        return [item.name for item in self.numeric] + [item.name for item in self.categorical]

    def names(self) -> list[str]:
        """Every hyperparameter this space gives a value to (tuned, and Autotune's hinted ones)."""
        return self.tuned_names() + [name for name, _hint in self.auto]

    def kinds(self) -> dict[str, str]:
        """Hyperparameter -> its range's kind (Integer, Continuous, Categorical)."""
        found = {item.name: "Integer" if item.integer else "Continuous" for item in self.numeric}
        found.update({item.name: "Categorical" for item in self.categorical})
        return found

    def combinations(self) -> int | None:
        """How many distinct combinations the ranges hold; None if a continuous range makes them
        uncountable."""
        total = 1
        for item in self.numeric:
            if item.count is None:
                return None
            total *= item.count
        for categorical in self.categorical:
            total *= len(categorical.values)
        return total

    def grid(self) -> list[dict[str, str]]:
        """Every combination of the categorical values, the first range's values varying slowest
        (a Grid strategy has categorical ranges only)."""
        names = [item.name for item in self.categorical]
        return [dict(zip(names, values, strict=True))
                for values in itertools.product(*(item.values for item in self.categorical))]

    def draw(self, rng: random.Random, taken: set[Combination] | None = None) -> dict[str, str]:
        """One combination, each value on its range's scale (Auto is taken as Linear). In a countable
        space it avoids those `taken` (see `key`) and adds itself to them: AWS demands enough
        combinations for every training job of a countable space (see `tuning.py`)."""
        if taken is None or self.combinations() is None:
            return self._one(rng)
        drawn = self._one(rng)
        attempts = 1
        while key(drawn) in taken and attempts < ATTEMPTS:
            drawn, attempts = self._one(rng), attempts + 1
        if key(drawn) in taken and (self.combinations() or 0) <= ENUMERABLE:
            remaining = [combination for combination in self._all() if key(combination) not in taken]
            if remaining:
                drawn = rng.choice(remaining)
        taken.add(key(drawn))
        return drawn

    def hinted(self) -> dict[str, str]:
        return dict(self.auto)

    def _one(self, rng: random.Random) -> dict[str, str]:
        drawn = {item.name: item.draw(rng) for item in self.numeric}
        drawn.update({item.name: rng.choice(item.values) for item in self.categorical})
        return drawn

    def _all(self) -> Iterator[dict[str, str]]:
        names = [item.name for item in self.numeric] + [item.name for item in self.categorical]
        pools = [list(item.values()) for item in self.numeric] + [list(item.values) for item in self.categorical]
        for values in itertools.product(*pools):
            yield dict(zip(names, values, strict=True))


def key(combination: Mapping[str, str]) -> Combination:
    """A combination of values as a set member (to tell the combinations already taken)."""
    return frozenset(combination.items())


def _numeric(item: Mapping[str, Any], kind: str, where: str) -> Numeric:
    """An integer or continuous range, its bounds read and checked against its scaling type."""
    name, scaling = item["Name"], item.get("ScalingType") or "Auto"
    integer = kind == "Integer"
    low, high = (_number(item[bound], integer, f"{where} {name}: {bound}") for bound in ("MinValue", "MaxValue"))
    if low > high:
        raise ValidationError(f"{where} {name}: MinValue {item['MinValue']} is greater than MaxValue "
                              f"{item['MaxValue']}.")
    if scaling == "Logarithmic" and low <= 0:
        raise ValidationError(f"{where} {name}: logarithmic scaling works only for ranges that have only values "
                              f"greater than 0; MinValue is {item['MinValue']}.")
    if scaling == "ReverseLogarithmic":
        if integer:
            raise ValidationError(f"{where} {name}: reverse logarithmic scaling is supported only for continuous "
                                  "hyperparameter ranges, not for integer ranges.")
        if low < 0 or high >= 1:
            raise ValidationError(f"{where} {name}: reverse logarithmic scaling works only for ranges that are "
                                  "entirely within the range 0<=x<1.0.")
    return Numeric(name, low, high, scaling, integer)


def _number(text: str, integer: bool, where: str) -> int | float:
    """A range's bound. Python's int() and float() also read `1_000` and other scripts' digits
    (`١`), which are no numbers a tuning job's hyperparameters take: only ASCII is read."""
    try:
        if "_" in text or not text.isascii():
            raise ValueError(text)
        value: int | float = int(text) if integer else float(text)
    except ValueError:
        raise ValidationError(f"{where} {text!r} is not {'an integer' if integer else 'a number'}.") from None
    if not integer and not math.isfinite(value):
        raise ValidationError(f"{where} {text!r} is not a finite number.")
    return value
