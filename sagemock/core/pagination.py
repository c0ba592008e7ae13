"""Listing: the filters, sorting and pages every List operation shares.

A family describes one List operation as a `Listing` (which document member each `SortBy` value
sorts on, which member `NameContains` and `StatusEquals` test, the defaults AWS documents) and
calls `run`. Tokens are opaque and carry the sort position of the last item returned, not an
offset: items created between two pages neither repeat nor push others out of the walk.
"""
from __future__ import annotations

import base64
import bisect
import datetime as _dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ValidationError

Document = dict[str, Any]

#: Request member -> (document member, test), shared by every List operation that has it.
TIME_FILTERS: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "CreationTimeAfter": ("CreationTime", lambda value, bound: value > bound),
    "CreationTimeBefore": ("CreationTime", lambda value, bound: value < bound),
    "CreatedAfter": ("CreationTime", lambda value, bound: value > bound),
    "CreatedBefore": ("CreationTime", lambda value, bound: value < bound),
    "LastModifiedTimeAfter": ("LastModifiedTime", lambda value, bound: value > bound),
    "LastModifiedTimeBefore": ("LastModifiedTime", lambda value, bound: value < bound),
}


@dataclass(frozen=True)
class Listing:
    """How one List operation filters, sorts and pages the documents it is given."""

    sort_keys: Mapping[str, str]
    default_sort: str
    id_key: str
    default_order: str = "Descending"
    default_max: int = 10
    name_key: str | None = None
    status_key: str | None = None
    time_keys: Mapping[str, str] = field(default_factory=dict)

    def filter(self, documents: Iterable[Document], params: Mapping[str, Any]) -> list[Document]:
        tests: list[Callable[[Document], bool]] = []
        contains = params.get("NameContains")
        if contains and self.name_key:
            key = self.name_key
            needle = contains.lower()
            tests.append(lambda doc: needle in (doc.get(key) or "").lower())
        status = params.get("StatusEquals")
        if status and self.status_key:
            status_key = self.status_key
            tests.append(lambda doc: doc.get(status_key) == status)
        for member, (doc_key, test) in TIME_FILTERS.items():
            bound = params.get(member)
            if bound is not None:
                doc_key = self.time_keys.get(doc_key, doc_key)
                tests.append(_time_test(doc_key, test, bound))
        if not tests:
            return list(documents)
        return [doc for doc in documents if all(test(doc) for test in tests)]

    def page(self, documents: list[Document], params: Mapping[str, Any]) -> tuple[list[Document], str | None]:
        """Sort `documents` as the request asks and cut the page it names."""
        sort_by = params.get("SortBy") or self.default_sort
        sort_key = self.sort_keys.get(sort_by) or self.sort_keys[self.default_sort]
        descending = (params.get("SortOrder") or self.default_order) == "Descending"
        id_key = self.id_key
        keyed = sorted((((_sortable(doc.get(sort_key)), str(doc.get(id_key) or "")), doc) for doc in documents),
                       key=_first)
        keys = [key for key, _ in keyed]
        token = params.get("NextToken")
        if descending:
            end = len(keyed)
            if token:
                end = bisect.bisect_left(keys, _decode(token))
            ordered = [doc for _, doc in reversed(keyed[:end])]
        else:
            start = bisect.bisect_right(keys, _decode(token)) if token else 0
            ordered = [doc for _, doc in keyed[start:]]
        limit = params.get("MaxResults") or self.default_max
        page = ordered[:limit]
        next_token = None
        if len(ordered) > limit:
            last = page[-1]
            next_token = _encode((_sortable(last.get(sort_key)), str(last.get(id_key) or "")))
        return page, next_token

    def run(self, documents: Iterable[Document], params: Mapping[str, Any]) -> tuple[list[Document], str | None]:
        return self.page(self.filter(documents, params), params)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _time_test(key: str, test: Callable[[Any, Any], bool], bound: Any) -> Callable[[Document], bool]:
    def check(doc: Document) -> bool:
        value = doc.get(key)
        return value is not None and test(value, bound)

    return check


def _sortable(value: Any) -> list[Any]:
    if value is None:
        return [0, ""]
    if isinstance(value, _dt.datetime):
        return [1, value.timestamp()]
    return [1, value]


def _encode(position: tuple[list[Any], str]) -> str:
    raw = json.dumps([position[0], position[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(token: str) -> tuple[list[Any], str]:
    try:
        sort_value, ident = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not (isinstance(sort_value, list) and isinstance(ident, str)):
            raise ValueError
        return sort_value, ident
    except (ValueError, TypeError):
        raise ValidationError("Invalid pagination token because of a malformed token.") from None


def offset_page(items: list[Any], params: Mapping[str, Any], default_max: int) -> tuple[list[Any], str | None]:
    """Pages over a list kept in insertion order (tags, versions), by position."""
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))
        except ValueError:
            raise ValidationError("Invalid pagination token because of a malformed token.") from None
    limit = params.get("MaxResults") or default_max
    page = items[start:start + limit]
    more = start + limit < len(items)
    return page, base64.urlsafe_b64encode(f"offset:{start + limit}".encode()).decode() if more else None
