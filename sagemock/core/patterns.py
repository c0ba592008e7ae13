"""Java regular expressions from the service model, made usable by Python's `re`.

The model's patterns are Java's: they match the whole value (`String.matches`), use Unicode
property classes (`\\p{L}`) and spell astral characters as surrogate pairs. Python's `re` knows
neither, so the few patterns that use them are rewritten once, when first needed. Java's
predefined classes `\\d`, `\\w` and `\\s` are ASCII only (`[0-9]`, `[a-zA-Z_0-9]`,
`[ \\t\\n\\x0B\\f\\r]`), so the patterns are compiled with `re.ASCII`: Python's Unicode
classes would take an Arabic-Indic digit for `\\d` and refuse U+001F for `\\S`.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable

_PROPERTY = re.compile(r"\\p\{(\w+)\}")
_SURROGATE_RANGE = re.compile(r"\\uD800\\uDC00-\\uDBFF\\uDFFF", re.IGNORECASE)
_ANCHOR_QUANTIFIER = re.compile(r"\$\{\d+(,\d*)?\}")
#: Java's POSIX classes (US-ASCII only), as bracket-expression bodies.
_POSIX = {"Alnum": "a-zA-Z0-9", "Alpha": "a-zA-Z", "Digit": "0-9", "Upper": "A-Z", "Lower": "a-z",
          "ASCII": "\\x00-\\x7F", "Print": "\\x20-\\x7E", "Graph": "\\x21-\\x7E"}
#: Java's end-of-input anchor `\z` (Python spells it `\Z`), not preceded by an escaping backslash.
_END_OF_INPUT = re.compile(r"(?<!\\)((?:\\\\)*)\\z")
_ASTRAL = "\\U00010000-\\U0010FFFF"


@functools.cache
def _category_ranges(major: str) -> str:
    """A character-class body covering the Basic Multilingual Plane's code points of a category."""
    runs = re.finditer(re.escape(major).encode() + b"+", _bmp_categories())
    return "".join(_range(run.start(), run.end() - 1) for run in runs) + _ASTRAL


@functools.cache
def _bmp_categories() -> bytes:
    """The major category letter of every BMP code point (surrogates as none), read in one pass."""
    category = unicodedata.category
    return bytes(0 if 0xD800 <= code <= 0xDFFF else ord(category(chr(code))[0]) for code in range(0x10000))


def _range(first: int, last: int) -> str:
    return f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}"


def _property_class(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _POSIX:
        return _POSIX[name]
    return _category_ranges(name[0])


def to_python(pattern: str) -> str:
    translated = _SURROGATE_RANGE.sub(lambda _m: _ASTRAL, pattern)
    translated = _ANCHOR_QUANTIFIER.sub("$", translated)
    if "\\z" in translated:
        translated = _END_OF_INPUT.sub(lambda found: found.group(1) + "\\Z", translated)
    if "\\p{" in translated:
        translated = _properties(translated)
    return translated


def _properties(pattern: str) -> str:
    """Each `\\p{...}` as the class body it stands for: bare inside a bracket expression, in
    brackets of its own outside one (`\\p{ASCII}*`, as the data-plane models write it)."""
    out: list[str] = []
    inside = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        found = _PROPERTY.match(pattern, index) if char == "\\" else None
        if found is not None:
            body = _property_class(found)
            out.append(body if inside else f"[{body}]")
            index = found.end()
            continue
        if char == "\\":
            out.append(pattern[index:index + 2])
            index += 2
            continue
        if char == "[" and not inside:
            inside = True
        elif char == "]" and inside:
            inside = False
        out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def matcher(pattern: str) -> Callable[[str], object] | None:
    """A full-match function for a model pattern, or None if Python cannot express it."""
    try:
        return re.compile(to_python(pattern), re.DOTALL | re.ASCII).fullmatch
    except re.error as error:  # pragma: no cover - reported, not fatal
        print(f"sagemock: pattern {pattern!r} is not checked: {error}", file=sys.stderr)
        return None
