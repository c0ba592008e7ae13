"""Hypothesis strategies built from the botocore SageMaker model's input shapes.

`ShapeStrategies.valid(shape)` draws values that satisfy every constraint the model puts on the
shape: lengths, sizes, ranges, enums, patterns and required members, at any depth (optional
members are drawn down to `MAX_DEPTH`; below it only the required ones). So that requests find
resources that exist, a string that fits its shape is often one of the `names` given: a member
named after a kind of resource (`ModelPackageGroupName`, `TrialComponentName`,
`PipelineExecutionArn`) takes the names and ARNs of that kind, other strings any of them; and a
member listed in `documents` (`Content`, `PipelineDefinition`) takes the JSON documents given.

`ShapeStrategies.invalid(shape)` draws `(value, Violation)`: a value of the right JSON types (so
botocore serialises it as it is) that breaks one constraint somewhere in it, with the rest valid
where the model allows, and the violation AWS's validator must report for it.

Patterns are the model's Java regular expressions, rewritten for Python by
`sagemock.core.patterns.to_python`. The oracle here matches them with Java's meaning of the
predefined classes (`\\d`, `\\w`, `\\s` are ASCII only in Java), and lets `.` match line
terminators as sagemock's validator does.
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from sagemock.core import newer
from sagemock.core.patterns import to_python
from sagemock.core.validate import member_path

#: Optional members are generated down to this depth of structures; below it, required ones only.
MAX_DEPTH = 3
#: Violations are planted down to this depth.
MAX_INVALID_DEPTH = 4
#: The longest free text drawn beyond a shape's minimum length.
TEXT_SPAN = 20
#: Lists and maps are drawn with at most this many entries beyond their minimum.
SIZE_SPAN = 2
#: A string or collection is made too long only where its maximum is at most this.
LONGEST_VIOLATION = 70_000
#: A list or map is made too long only where its maximum is at most this (entries can be large).
LARGEST_COLLECTION_VIOLATION = 100

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

#: Characters planted to break a pattern: punctuation, controls, and Unicode look-alikes of the
#: ASCII classes (Arabic-Indic digit one, NO-BREAK SPACE, e with acute, fullwidth A).
FOREIGN = ("#", " ", "\t", "\n", "~", "!", "/", ":", "_", "-", ".", "%", "\x00", "\x7f", "\u0661",
           "\u00a0", "\u00e9", "\uff21", "\u2028", "\U0001f600")

TEXT = st.characters(codec="utf-8")  # no lone surrogates: JSON cannot carry them to the server


@functools.cache
def java_matcher(pattern: str) -> Callable[[str], Any]:
    return re.compile(to_python(pattern), re.DOTALL | re.ASCII).fullmatch


_PROPERTY = re.compile(r"\\p\{([A-Z][a-z]?)\}")
_SURROGATES = re.compile(r"\\uD800\\uDC00-\\uDBFF\\uDFFF", re.IGNORECASE)
#: Where drawn characters of a Unicode category come from: hypothesis expands a character class
#: one code point at a time, and a whole category (with the astral planes) takes it seconds.
_SAMPLE_BLOCKS = ((0x20, 0x7FF), (0x2000, 0x206F), (0x20A0, 0x20BF))


@functools.cache
def _sample_class(major: str) -> str:
    """Part of a Unicode category, as a character-class body: enough to draw from."""
    body = ""
    for first, last in _SAMPLE_BLOCKS:
        inside = [code for code in range(first, last + 1) if unicodedata.category(chr(code)).startswith(major)]
        for _key, run in itertools.groupby(enumerate(inside), lambda pair: pair[1] - pair[0]):
            codes = [code for _index, code in run]
            body += f"\\u{codes[0]:04x}-\\u{codes[-1]:04x}"
    return body


_LOOKAHEAD = re.compile(r"^\(\?=[^()]*\)")
#: A pattern that is one atom repeated (`[a-z]+`, `.*`, `([\p{L}...]*)`), which can be drawn at
#: any length: the length bounds of the shape become the repetition's.
_ONE_ATOM = re.compile(r"^\^?(\()?(\[(?:\\.|[^\]\\])*\]|\.|\\[a-zA-Z])([*+])(\))?\$?$")


def _generation_pattern(pattern: str, low: int, high: int) -> str:
    """The pattern hypothesis draws from: a leading length lookahead dropped (the length filter
    applies it), a single repeated atom bounded by the shape's lengths."""
    sampled = _SURROGATES.sub(lambda _m: "\\U0001f600-\\U0001f64f", pattern)
    sampled = _PROPERTY.sub(lambda match: _sample_class(match.group(1)), sampled)
    text = _LOOKAHEAD.sub("", to_python(sampled))
    one = _ONE_ATOM.match(text)
    if one is not None and bool(one.group(1)) == bool(one.group(4)):
        least = max(low, 1 if one.group(3) == "+" else 0)
        text = f"{one.group(2)}{{{least},{max(least, min(high, low + TEXT_SPAN))}}}"
    return text


@dataclass(frozen=True)
class Violation:
    """What the validator must report: the path (AWS's form) and the constraint's text.

    `path` is a prefix where the exact form is not pinned down (inside a map).
    """

    path: str
    constraint: str

    def under(self, segment: str) -> Violation:
        """The violation seen from the structure or list that holds the value."""
        return Violation(f"{segment}.{self.path}" if self.path else segment, self.constraint)

    def found_in(self, message: str) -> bool:
        return f"at '{self.path}" in message and f"failed to satisfy constraint: {self.constraint}" in message


def _often(preferred: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`preferred` about three times in four (a plain `one_of` leans to the branch with more to vary)."""
    return st.integers(0, 3).flatmap(lambda pick: other if pick == 0 else preferred)


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _length_bounds(shape: Shape) -> tuple[int, int | None]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    return int(low or 0), (int(high) if high is not None else None)


class ShapeStrategies:
    """Strategies for the shapes of one service model, built once per shape and depth."""

    def __init__(self, names: Mapping[str, Iterable[str]] | None = None,
                 documents: Mapping[str, Iterable[str]] | None = None):
        """`names`: resource kind (`model-package-group`, `pipeline-execution`) -> the names and ARNs of
        resources of that kind; `documents`: member name -> texts a member of that name takes."""
        self.names = {kind: tuple(dict.fromkeys(found)) for kind, found in (names or {}).items()}
        self.seeds = tuple(dict.fromkeys(name for found in self.names.values() for name in found))
        self.documents = {member: tuple(found) for member, found in (documents or {}).items()}
        self._valid: dict[tuple[str, int], st.SearchStrategy[Any]] = {}
        self._invalid: dict[tuple[str, int], st.SearchStrategy[tuple[Any, Violation]] | None] = {}

    # -- valid values -------------------------------------------------------------------------

    def valid(self, shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
        key = (shape.name, min(depth, MAX_DEPTH + 1))
        found = self._valid.get(key)
        if found is None:
            # Deferred, so that recursive shapes (a search expression's sub-expressions) resolve.
            found = self._valid[key] = st.deferred(lambda: self._build_valid(shape, depth))
        return found

    def _build_valid(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "structure":
            return self._valid_structure(shape, depth)
        if kind == "list":
            low, high = _length_bounds(shape)
            element = self.valid(shape.member, depth + 1)
            return st.lists(element, min_size=low, max_size=min(high if high is not None else low + SIZE_SPAN,
                                                                    low + SIZE_SPAN))
        if kind == "map":
            low, high = _length_bounds(shape)
            return st.dictionaries(self.valid(shape.key, depth + 1), self.valid(shape.value, depth + 1),
                                   min_size=low, max_size=min(high if high is not None else low + SIZE_SPAN,
                                                              low + SIZE_SPAN))
        if kind == "string":
            return self._valid_string(shape)
        if kind in ("integer", "long"):
            bounds = INT32 if kind == "integer" else INT64
            limits = newer.limits(shape)  # AWS's newest bounds apply to an older model's requests too
            low = limits.get("min", bounds[0])
            high = limits.get("max", bounds[1])
            return st.integers(int(low), int(high))
        if kind in ("float", "double"):
            return st.floats(shape.metadata.get("min"), shape.metadata.get("max"),
                             allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1),
                                timezones=st.just(dt.timezone.utc))
        if kind == "blob":
            return st.binary(max_size=16)
        raise NotImplementedError(f"no strategy for {kind} shapes ({shape.name})")

    def _valid_structure(self, shape: Shape, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        required = set(shape.required_members)
        members = shape.members
        fixed = {name: self._member(name, members[name], depth + 1) for name in members if name in required}
        optional = {}
        if depth < MAX_DEPTH:
            optional = {name: self._member(name, member, depth + 1) for name, member in members.items()
                        if name not in required}
        return st.fixed_dictionaries(fixed, optional=optional)

    def _member(self, name: str, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        """A member's values: its shape's, or more often a resource of the kind it names or a
        document it takes."""
        if shape.type_name != "string" or shape.enum:
            return self.valid(shape, depth)
        fits = self.fits(shape)
        kind = _kebab(re.sub(r"(NameOrArn|Name|Arn)$", "", name))
        known = [found for other, names in self.names.items() if other == kind or other.endswith(f"-{kind}")
                 for found in names if fits(found)]
        known += [document for document in self.documents.get(name, ()) if fits(document)]
        if not known:
            return self.valid(shape, depth)
        return _often(st.sampled_from(known), self._drawn_string(shape))

    def fits(self, shape: Shape) -> Callable[[str], bool]:
        """Whether a string satisfies the shape's length, enum and pattern."""
        low, high = _length_bounds(shape)
        top = high if high is not None else float("inf")
        enum = frozenset(shape.enum) if shape.enum else None
        pattern = shape.metadata.get("pattern")
        match = java_matcher(pattern) if pattern else None

        def fits(value: str) -> bool:
            if not low <= len(value) <= top:
                return False
            if enum is not None:
                return value in enum
            return match is None or match(value) is not None

        return fits

    def _valid_string(self, shape: Shape) -> st.SearchStrategy[str]:
        if shape.enum:
            fits = self.fits(shape)
            return st.sampled_from([value for value in shape.enum if fits(value)])
        drawn = self._drawn_string(shape)
        fits = self.fits(shape)
        seeds = [seed for seed in self.seeds if fits(seed)]
        return st.one_of(st.sampled_from(seeds), drawn) if seeds else drawn

    def _drawn_string(self, shape: Shape) -> st.SearchStrategy[str]:
        """Strings made up to fit the shape's length and pattern."""
        fits = self.fits(shape)
        low, high = _length_bounds(shape)
        pattern = shape.metadata.get("pattern")
        if pattern:
            drawn: st.SearchStrategy[str] = st.from_regex(
                re.compile(_generation_pattern(pattern, low, high if high is not None else low + TEXT_SPAN),
                           re.DOTALL | re.ASCII),
                fullmatch=True, alphabet=TEXT).filter(fits)
        else:
            top = low + TEXT_SPAN if high is None else min(high, low + TEXT_SPAN)
            drawn = st.text(TEXT, min_size=low, max_size=top)
        return drawn

    # -- values that break one constraint ---------------------------------------------------------

    def invalid(self, shape: Shape, depth: int = 0) -> st.SearchStrategy[tuple[Any, Violation]] | None:
        """(value, violation) pairs, or None where nothing in the shape can be broken."""
        key = (shape.name, depth)
        if key not in self._invalid:  # (depth grows at every level, so a recursive shape ends)
            self._invalid[key] = self._build_invalid(shape, depth)
        return self._invalid[key]

    def _build_invalid(self, shape: Shape, depth: int) -> st.SearchStrategy[tuple[Any, Violation]] | None:
        if depth > MAX_INVALID_DEPTH:
            return None
        kind = shape.type_name
        if kind == "structure":
            options = self._invalid_structure(shape, depth)
        elif kind == "list":
            options = self._invalid_list(shape, depth)
        elif kind == "map":
            options = self._invalid_map(shape, depth)
        elif kind == "string":
            options = self._invalid_string(shape)
        elif kind in ("integer", "long", "float", "double"):
            options = self._invalid_number(shape)
        else:
            options = []
        return st.one_of(options) if options else None

    def _invalid_structure(self, shape: Shape, depth: int) -> list[st.SearchStrategy[tuple[Any, Violation]]]:
        options = []
        base = self.valid(shape, depth)
        for name in shape.required_members:
            if shape.members[name].metadata.get("idempotencyToken"):
                continue  # botocore fills a missing idempotency token in
            path = member_path("", name)
            options.append(base.map(lambda value, name=name: {k: v for k, v in value.items() if k != name})
                           .map(lambda value, path=path: (value, Violation(path, "Member must not be null"))))
        for name, member in shape.members.items():
            broken = self.invalid(member, depth + 1)
            if broken is None:
                continue
            path = member_path("", name)
            options.append(st.tuples(base, broken).map(
                lambda pair, name=name, path=path: ({**pair[0], name: pair[1][0]}, pair[1][1].under(path))))
        return options

    def _invalid_list(self, shape: Shape, depth: int) -> list[st.SearchStrategy[tuple[Any, Violation]]]:
        low, high = _length_bounds(shape)
        element = self.valid(shape.member, depth + 1)
        options = []
        if low > 0:
            options.append(st.lists(element, min_size=low - 1, max_size=low - 1).map(
                lambda value: (value, Violation("", f"Member must have length greater than or equal to {low}"))))
        if high is not None and high < LARGEST_COLLECTION_VIOLATION:
            options.append(st.lists(element, min_size=high + 1, max_size=high + 1).map(
                lambda value: (value, Violation("", f"Member must have length less than or equal to {high}"))))
        broken = self.invalid(shape.member, depth + 1)
        if broken is not None:
            size = max(low, 1)
            if high is None or size <= high:
                def plant(drawn: tuple[list[Any], tuple[Any, Violation], int]) -> tuple[list[Any], Violation]:
                    items, (bad, violation), index = drawn
                    index %= len(items) + 1
                    return items[:index] + [bad] + items[index:], violation.under(f"{index + 1}.member")

                options.append(st.tuples(st.lists(element, min_size=size - 1, max_size=size - 1), broken,
                                         st.integers(0, size)).map(plant))
        return options

    def _invalid_map(self, shape: Shape, depth: int) -> list[st.SearchStrategy[tuple[Any, Violation]]]:
        low, high = _length_bounds(shape)
        keys = self.valid(shape.key, depth + 1)
        values = self.valid(shape.value, depth + 1)
        options = []
        if low > 0:
            options.append(st.dictionaries(keys, values, min_size=low - 1, max_size=low - 1).map(
                lambda value: (value, Violation("", f"Member must have length greater than or equal to {low}"))))
        if high is not None and high < LARGEST_COLLECTION_VIOLATION and not shape.key.enum:
            options.append(st.dictionaries(keys, values, min_size=high + 1, max_size=high + 1).map(
                lambda value: (value, Violation("", f"Member must have length less than or equal to {high}"))))
        room = high is None or high >= 1
        # Inside a map only the map's own path is pinned down: AWS words entry errors its own way.
        broken_value = self.invalid(shape.value, depth + 1)
        if broken_value is not None and room:
            options.append(st.tuples(keys, broken_value).map(
                lambda pair: ({pair[0]: pair[1][0]}, Violation("", pair[1][1].constraint))))
        broken_key = self.invalid(shape.key, depth + 1)
        if broken_key is not None and room:
            options.append(st.tuples(broken_key, values).map(
                lambda pair: ({pair[0][0]: pair[1]}, Violation("", pair[0][1].constraint))))
        return options

    def _invalid_string(self, shape: Shape) -> list[st.SearchStrategy[tuple[Any, Violation]]]:
        low, high = _length_bounds(shape)
        fits = self.fits(shape)
        top = high if high is not None else float("inf")
        valid = self._valid_string(shape)
        options = []
        if low > 0:
            # A valid value cut short: the pattern may break too, but the length is reported.
            options.append(valid.map(lambda value: (value[:low - 1], Violation(
                "", f"Member must have length greater than or equal to {low}"))))
        if high is not None and high < LONGEST_VIOLATION:
            options.append(valid.map(lambda value: ((value or "a") + (value or "a")[-1] * (high + 1 - len(value or "a")),
                                                    Violation("", f"Member must have length less than or equal to {high}"))))
        if shape.enum:
            def off_enum(value: str) -> str:
                return value.swapcase() if value.swapcase() != value else value + "x"

            candidates = st.one_of(valid.map(off_enum), st.sampled_from(["Bogus", "NOT_A_VALUE", "x"]))
            options.append(candidates.filter(lambda value: low <= len(value) <= top and value not in shape.enum).map(
                lambda value: (value, Violation("", "Member must satisfy enum value set: "))))
        elif shape.metadata.get("pattern") and self._breakable(shape):
            def plant(drawn: tuple[str, str, int, bool]) -> str:
                value, char, index, replace = drawn
                index %= len(value) + 1
                return value[:index] + char + value[index + (1 if replace else 0):]

            options.append(st.tuples(valid, st.sampled_from(FOREIGN), st.integers(0, 64), st.booleans())
                           .map(plant).filter(lambda value: low <= len(value) <= top and not fits(value))
                           .map(lambda value: (value, Violation("", "Member must satisfy regular expression pattern: "))))
        return options

    def _breakable(self, shape: Shape) -> bool:
        """Whether some planted character can break the pattern (`.*` cannot be broken)."""
        low, high = _length_bounds(shape)
        match = java_matcher(shape.metadata["pattern"])
        size = max(low, 1)
        if high is not None and size > high:
            return False
        return any(match(char * size) is None for char in FOREIGN)

    def _invalid_number(self, shape: Shape) -> list[st.SearchStrategy[tuple[Any, Violation]]]:
        limits = newer.limits(shape)
        low = limits.get("min")
        high = limits.get("max")
        integral = shape.type_name in ("integer", "long")
        options = []
        below = "Member must have value greater than or equal to"
        above = "Member must have value less than or equal to"
        if low is not None:
            if integral:
                options.append(st.integers(int(low) - 1000, int(low) - 1).map(lambda v: (v, Violation("", below))))
            else:
                options.append(st.floats(max_value=low, exclude_max=True, min_value=low - 1e6)
                               .map(lambda v: (v, Violation("", below))))
        if high is not None:
            if integral:
                options.append(st.integers(int(high) + 1, int(high) + 1000).map(lambda v: (v, Violation("", above))))
            else:
                options.append(st.floats(min_value=high, exclude_min=True, max_value=high + 1e6)
                               .map(lambda v: (v, Violation("", above))))
        return options
