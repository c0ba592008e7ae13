"""Sorted indexes: a table's documents kept in the order a List sorts them, as they come and go.

A List answers a page of 100 among 100,000 documents. Sorting them all for every page would make
each page cost what the table holds, so a table keeps, for each member its Lists sort on, its
documents in that order (the order `Listing` defines: the member's value, then creation order
`_seq`, then the id), filed as documents are added and dropped as they are removed. A List bisects
to the position its token names and walks from there until its page is full.

A member a document keeps from its creation (CreationTime, its name, its ARN) never moves it, so an
index over one changes only as documents come and go; documents made in creation order are
appended. Other members (a status, LastModifiedTime) are written in place wherever a family or a
lifecycle changes them, so an index over one is checked before use. Its table knows which
documents a request that may change them reached since the last check (`Table.ordered`): the
index checks those (`recheck`: each one's value against the value it was filed under, found by
bisection), and files again the ones that moved. Where the table cannot say (a write walked all
its documents), every document is checked (`refresh`: a pass over references, no sorting).
"""
from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable
from itertools import compress, repeat
from operator import is_not
from typing import Any

Document = dict[str, Any]
Position = tuple[list[Any], int, str]

#: Beyond this many documents moved since an index was last used, it is sorted afresh.
_REFILE_LIMIT = 64


def sortable(value: Any) -> list[Any]:
    """A member's value as it sorts: absent first, then by value (a time by its instant)."""
    if value is None:
        return [0, ""]
    if isinstance(value, _dt.datetime):
        return [1, value.timestamp()]
    return [1, value]


def position(document: Document, member: str, id_key: str) -> Position:
    """Where a document sorts by `member`; what a page token holds of its last item."""
    return sortable(document.get(member)), document.get("_seq", 0), str(document.get(id_key) or "")


class SortedIndex:
    """One table's documents in the order of one member (see the module's docstring)."""

    __slots__ = ("member", "id_key", "fixed", "documents", "values", "filed")

    def __init__(self, member: str, id_key: str, fixed: bool, documents: Iterable[Document]):
        self.member = member
        self.id_key = id_key
        #: Whether the member keeps the value it was created with (no check before use).
        self.fixed = fixed
        self._sort(list(documents))

    def __len__(self) -> int:
        return len(self.documents)

    def _sort(self, documents: list[Document]) -> None:
        member, id_key = self.member, self.id_key
        documents.sort(key=lambda document: position(document, member, id_key))
        self.documents = documents
        #: The value each document was filed under, beside it.
        self.values = [document.get(member) for document in documents]
        #: The same by document (its `id`), to find a document whose value moved (not where fixed).
        self.filed: dict[int, Any] = {} if self.fixed else dict(zip(map(id, documents), self.values, strict=True))

    def at(self, index: int) -> Position:
        """The position of the document filed at `index`, by the value it was filed under."""
        document = self.documents[index]
        return sortable(self.values[index]), document.get("_seq", 0), str(document.get(self.id_key) or "")

    def before(self, wanted: Any) -> int:
        """How many documents sort before `wanted` (a position)."""
        return bisect.bisect_left(range(len(self.documents)), wanted, key=self.at)

    def through(self, wanted: Any) -> int:
        """How many documents sort before or at `wanted` (a position)."""
        return bisect.bisect_right(range(len(self.documents)), wanted, key=self.at)

    def add(self, document: Document) -> None:
        value = document.get(self.member)
        wanted = sortable(value), document.get("_seq", 0), str(document.get(self.id_key) or "")
        documents = self.documents
        if not self.fixed:
            self.filed[id(document)] = value
        if not documents or self.at(len(documents) - 1) < wanted:  # the common case: made last
            documents.append(document)
            self.values.append(value)
            return
        index = self.through(wanted)
        documents.insert(index, document)
        self.values.insert(index, value)

    def remove(self, document: Document) -> None:
        index = self._find(document)
        if index is not None:
            del self.documents[index]
            del self.values[index]
            self.filed.pop(id(document), None)

    def _find(self, document: Document) -> int | None:
        """Where a document is filed: found by bisection under the value it was filed under (its
        value now, where the member is fixed), else by a pass over the index."""
        if self.fixed:
            wanted = position(document, self.member, self.id_key)
        elif id(document) in self.filed:
            wanted = sortable(self.filed[id(document)]), document.get("_seq", 0), str(document.get(self.id_key) or "")
        else:
            return None  # not filed here
        index = self.before(wanted)
        if index < len(self.documents) and self.documents[index] is document:
            return index
        for index, filed in enumerate(self.documents):
            if filed is document:
                return index
        return None

    def recheck(self, documents: Iterable[Document]) -> None:
        """File again those of `documents` whose member changed since they were filed (the ones a
        request reached: a few, each found by bisection)."""
        if self.fixed:
            return
        member, filed = self.member, self.filed
        moved = [document for document in documents
                 if id(document) in filed and document.get(member) != filed[id(document)]]
        for document in moved:
            self.remove(document)
            self.add(document)

    def refresh(self) -> None:
        """File again the documents whose member changed since they were filed (all checked)."""
        if self.fixed:
            return
        # (In C, one pass: each document's value now, then where it is not the one filed.)
        current = list(map(dict.get, self.documents, repeat(self.member)))
        filed = self.values
        moved = [index for index in compress(range(len(current)), map(is_not, current, filed))
                 if current[index] != filed[index]]
        if not moved:
            return
        if len(moved) > _REFILE_LIMIT:
            self._sort(self.documents)
            return
        refiled = [self.documents[index] for index in moved]
        for index in reversed(moved):
            del self.documents[index]
            del self.values[index]
        for document in refiled:
            self.add(document)
