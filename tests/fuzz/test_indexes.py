"""Every operation's example leaves every sorted index in order.

A table's index over a member that a write changes in place is checked, before its next use, only
for the documents requests reached (`core.table`). So a write that changed a document its table
did not hand out would leave the index out of order, and a List or Search would show a stale order.
Here every table of the fuzz world gets an index on each of its documents' scalar members before
an operation's example runs; after it, each index must hold its table's documents in the order a
fresh sort gives, each filed under the value it holds now.
"""
from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from sagemock.core.ordered import position
from sagemock.core.table import Table, TableSpec
from tests.fuzz import examples
from tests.fuzz.harness import OPERATIONS, World, fuzz_world

__all__ = ["fuzz_world"]  # the module's fixture: each module builds its own world


def _kind(value: Any) -> type | None:
    if isinstance(value, bool):
        return bool
    if isinstance(value, (int, float)):
        return float
    if isinstance(value, (str, dt.datetime)):
        return type(value)
    return None


def _tables(mock: Any) -> list[Table]:
    """Every table of every store (read through its declaration, which makes a restored one a `Table`)."""
    return [getattr(family, spec.attribute) for store in mock.state.stores.values()
            for family in list(store.backends.values()) for spec in vars(type(family)).values()
            if isinstance(spec, TableSpec)]


def _index_everything(mock: Any) -> list[tuple[Table, str]]:
    """An index on each member whose values in a table are scalars of one kind."""
    indexed = []
    for table in _tables(mock):
        kinds: dict[str, set[type | None]] = {}
        for document in table.documents.values():
            for member, value in document.items():
                if value is not None:
                    kinds.setdefault(member, set()).add(_kind(value))
        for member, found in kinds.items():
            if len(found) == 1 and None not in found:
                table.ordered(member, table.spec.arn)
                indexed.append((table, member))
    return indexed


@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_operation_leaves_every_index_in_order(fuzz_world: World, operation: str):
    mock = fuzz_world.mock
    mock.restore(fuzz_world.snapshot)
    fuzz_world.pristine = False
    for needed, needed_params in examples.SETUP.get(operation, []):
        getattr(fuzz_world.client, xform_name(needed))(**needed_params)
    indexed = _index_everything(mock)
    assert len({id(table) for table, _ in indexed}) > 50  # (the world holds resources of every kind)
    try:
        getattr(fuzz_world.client, xform_name(operation))(**copy.deepcopy(fuzz_world.examples[operation]))
    except ClientError:
        pass  # (refused: nothing changed, which the index must show too)
    for table, member in indexed:
        index = table.ordered(member, table.spec.arn)
        try:
            wanted = sorted(table.documents.values(), key=lambda document: position(document, member, table.spec.arn))
        except TypeError:
            continue  # the member now holds values of two kinds: no List sorts on such a member
        where = f"{operation} left {table.spec.kind}'s index on {member}"
        assert [id(document) for document in index.documents] == [id(document) for document in wanted], \
            f"{where} out of order"
        # (The fuzz world holds a resource or two of each kind: each must be filed under its value now.)
        assert index.values == [document.get(member) for document in index.documents], f"{where} stale"
