"""Listing: the filters, sorting and pages every List operation shares.

A family describes one List operation as a `Listing` (which document member each `SortBy` value
sorts on, which member `NameContains` and `StatusEquals` test, the defaults AWS documents) and
calls `run` with the documents it selected, or `walk` with the table that holds them: `walk`
reads the table's sorted index from the token's position, testing documents until the page is
full, so a page costs what it holds rather than what the table holds. Tokens are opaque and carry
the sort position of the last item returned, not an offset: items created between two pages
neither repeat nor push others out of the walk.
"""
from __future__ import annotations

import base64
import bisect
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .ordered import position

if TYPE_CHECKING:
    from .context import Context
    from .table import Table

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
    #: `CreationTimeAfter` includes its bound (the operations whose docs say "greater than or
    #: equal to": ListModels, ListEndpointConfigs, ListEndpoints ...); elsewhere it is strict.
    inclusive_after: bool = False
    #: The request members that filter by name and by status, where an operation names them otherwise
    #: (ListModelCards' `ModelCardStatus`, ListModelCardExportJobs' `ModelCardExportJobNameContains`).
    name_param: str = "NameContains"
    status_param: str = "StatusEquals"

    def filter(self, documents: Iterable[Document], params: Mapping[str, Any]) -> list[Document]:
        tests = self.tests(params)
        if not tests:
            return list(documents)
        return [doc for doc in documents if all(test(doc) for test in tests)]

    def tests(self, params: Mapping[str, Any]) -> list[Callable[[Document], bool]]:
        """The request's filters (NameContains, StatusEquals, the time bounds), one test each."""
        tests: list[Callable[[Document], bool]] = []
        contains = params.get(self.name_param)
        if contains and self.name_key:
            key = self.name_key
            needle = contains.lower()
            tests.append(lambda doc: needle in (doc.get(key) or "").lower())
        status = params.get(self.status_param)
        if status and self.status_key:
            status_key = self.status_key
            tests.append(lambda doc: doc.get(status_key) == status)
        for member, (doc_key, test) in TIME_FILTERS.items():
            bound = params.get(member)
            if bound is not None:
                doc_key = self.time_keys.get(doc_key, doc_key)
                if self.inclusive_after and member == "CreationTimeAfter":
                    test = _at_or_after
                tests.append(_time_test(doc_key, test, bound))
        return tests

    def page(self, documents: list[Document], params: Mapping[str, Any]) -> tuple[list[Document], str | None]:
        """Sort `documents` as the request asks and cut the page it names.

        Equal sort values keep creation order (`_seq`, stamped by `Store.index`), then the id, so
        version 10 never sorts between 1 and 2. A token carries the position of the last item and
        a digest of the query it belongs to: given to another query it is refused, not misread.
        """
        sort_by = params.get("SortBy") or self.default_sort
        sort_key = self.sort_keys.get(sort_by) or self.sort_keys[self.default_sort]
        # "Descending" for most lists, "DESCENDING" for ListImages, ListImageVersions ...
        descending = (params.get("SortOrder") or self.default_order).lower() == "descending"
        keyed = sorted(((self._position(doc, sort_key), doc) for doc in documents), key=_first)
        keys = [key for key, _ in keyed]
        query = self._digest(params)
        token = params.get("NextToken")
        try:
            if descending:
                end = bisect.bisect_left(keys, decode_position(token, query, 3)) if token else len(keyed)
                ordered = [doc for _, doc in reversed(keyed[:end])]
            else:
                start = bisect.bisect_right(keys, decode_position(token, query, 3)) if token else 0
                ordered = [doc for _, doc in keyed[start:]]
        except TypeError:  # a position of another sort order
            raise ValidationError(BAD_TOKEN) from None
        limit = params.get("MaxResults") or self.default_max
        page = ordered[:limit]
        next_token = encode_position(self._position(page[-1], sort_key), query) if len(ordered) > limit else None
        return page, next_token

    def walk(self, table: Table, ctx: Context, params: Mapping[str, Any],
             where: Sequence[Callable[[Document], bool]] = (),
             filters: Mapping[str, Any] | None = None) -> tuple[list[Document], str | None]:
        """The page `run` would cut from the table's live documents that pass `where` (a family's
        own filters), read from the table's index in the order asked: only the documents in
        transition are brought up to date, and only those from the token's position to the end of
        the page (and one beyond, to know whether another page follows) are tested. `filters` are
        the request members filtered on, where not all of `params` are (see `filter`)."""
        table.settle(ctx)
        return self.cut(table, params, where, filters)

    def cut(self, table: Table, params: Mapping[str, Any], where: Sequence[Callable[[Document], bool]] = (),
            filters: Mapping[str, Any] | None = None) -> tuple[list[Document], str | None]:
        """As `walk`, for a family that brought the table's documents up to date itself."""
        sort_by = params.get("SortBy") or self.default_sort
        sort_key = self.sort_keys.get(sort_by) or self.sort_keys[self.default_sort]
        descending = (params.get("SortOrder") or self.default_order).lower() == "descending"
        index = table.ordered(sort_key, self.id_key)
        query = self._digest(params)
        token = params.get("NextToken")
        try:
            if descending:
                end = index.before(decode_position(token, query, 3)) if token else len(index)
                order = range(end - 1, -1, -1)
            else:
                order = range(index.through(decode_position(token, query, 3)) if token else 0, len(index))
        except TypeError:  # a position of another sort order
            raise ValidationError(BAD_TOKEN) from None
        tests = [*self.tests(params if filters is None else filters), *where]
        limit = params.get("MaxResults") or self.default_max
        documents = index.documents
        page: list[Document] = []
        for at in order:
            document = documents[at]
            if "_gone" in document or not all(test(document) for test in tests):
                continue
            if len(page) == limit:  # one more beyond the page: a next page follows
                return page, encode_position(self._position(page[-1], sort_key), query)
            page.append(document)
        return page, None

    def _position(self, doc: Document, sort_key: str) -> tuple[list[Any], int, str]:
        return position(doc, sort_key, self.id_key)

    def _digest(self, params: Mapping[str, Any]) -> str:
        """What a token is valid for: this listing and the request's filters and sort."""
        return digest({**params, "_listing": [self.id_key, sorted(self.sort_keys)]})

    def run(self, documents: Iterable[Document], params: Mapping[str, Any]) -> tuple[list[Document], str | None]:
        return self.page(self.filter(documents, params), params)


def _at_or_after(value: Any, bound: Any) -> bool:
    return bool(value >= bound)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _time_test(key: str, test: Callable[[Any, Any], bool], bound: Any) -> Callable[[Document], bool]:
    def check(doc: Document) -> bool:
        value = doc.get(key)
        return value is not None and test(value, bound)

    return check


BAD_TOKEN = "Invalid pagination token because of a malformed token."


def encode_position(position: Sequence[Any], query: str) -> str:
    """An opaque token: where the last item returned sorts, and the query it belongs to."""
    raw = json.dumps([list(position), query], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_position(token: str, query: str, size: int) -> tuple[Any, ...]:
    """The position a token holds (`size` parts), refused if malformed or issued for another query."""
    try:
        position, issued_for = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not isinstance(position, list) or len(position) != size or not isinstance(issued_for, str):
            raise ValueError
    except (ValueError, TypeError):
        raise ValidationError(BAD_TOKEN) from None
    if issued_for != query:
        raise ValidationError("Invalid pagination token: it was issued for a different query "
                              "(the filters or the sort order changed).")
    return tuple(position)


def offset_page(items: list[Any], params: Mapping[str, Any], default_max: int,
                query: str = "") -> tuple[list[Any], str | None]:
    """Pages over a list kept in insertion order (tags, a lineage walk), by position.

    `query` (a digest of what the request asked, see `digest`) binds a token to its query: given
    to another, the token is refused rather than misread.
    """
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            offset, issued_for = base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:").split(":", 1)
            start = int(offset)
        except ValueError:
            raise ValidationError(BAD_TOKEN) from None
        if start < 0 or start > len(items):
            raise ValidationError(BAD_TOKEN)
        if issued_for != query:
            raise ValidationError("Invalid pagination token: it was issued for a different query.")
    limit = params.get("MaxResults") or default_max
    page = items[start:start + limit]
    more = start + limit < len(items)
    return page, base64.urlsafe_b64encode(f"offset:{start + limit}:{query}".encode()).decode() if more else None


def digest(params: Mapping[str, Any]) -> str:
    """What a request asked, less its page position: binds a token to the query it came from."""
    query = {key: value for key, value in params.items() if key not in ("NextToken", "MaxResults")}
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:16]
