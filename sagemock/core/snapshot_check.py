"""What a restored store must look like before it may replace the state.

A snapshot is data from outside: a file someone edited, a document posted to the server. Taken
as it is, a hostile one is accepted and the operations that meet it later fail with a raw
`KeyError` or `TypeError`. So `snapshot.load` checks every store against what this sagemock's
families expect, before anything is replaced, and refuses with `SnapshotError` otherwise.

The checks are generic on purpose: they read the expectations from the code and the service
model, never from a list per family, so a family that changes or arrives needs nothing here.

* A family's attributes are the ones a new instance of that family has, each of the same type
  (a table stays a dict, a counter an int), and with the structure the family's `__init__`
  annotates (`self.groups: dict[str, Document] = {}`: string keys, documents that are dicts).
* The ARN index (`resources`) maps ARNs of the store's own account and region to documents, and
  each of those documents is one a family holds (the same object, so a write through either
  shows in both) and names itself: the member holding its own ARN. A table whose documents are
  indexed has all of them indexed. A document's creation-order stamp `_seq` is an int.
* A document has the members its Describe output shape requires, with the types it declares:
  the operation is the one named after the member holding the document's own ARN
  (`ModelPackageArn` -> `DescribeModelPackage`). A structure is a dict, a list a list, a
  timestamp a datetime with a time zone, a string a str, a number a number.
* Tags, the case-folded ARN index and the taggable set refer only to indexed ARNs; idempotency
  records are (operation, token) -> (digest, answer, time) with an operation of the model.
"""
from __future__ import annotations

import ast
import datetime as _dt
import functools
import inspect
import re
import sys
import textwrap
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.model import Shape

from . import arns, service
from .errors import SnapshotError

if TYPE_CHECKING:
    from .backend import Backend

#: The parts of a store in a document (`snapshot._contents`).
PARTS = ("account", "region", "families", "resources", "folded", "taggable", "tags", "idempotency")

_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
#: How far below a family's attribute its documents sit: table -> document, or table -> list of
#: versions -> document.
_DOCUMENT_LEVELS = 3


def store(contents: Any, families: dict[str, type[Backend]]) -> None:
    """Refuse (`SnapshotError`) a decoded store that this sagemock's families could not use."""
    if type(contents) is not dict:
        raise SnapshotError(f"the snapshot is damaged: a store is a {type(contents).__name__}, not an object")
    missing = [part for part in PARTS if part not in contents]
    unknown = sorted(set(contents) - set(PARTS))
    if missing or unknown:
        problem = f"lacks {', '.join(missing)}" if missing else f"holds parts this sagemock does not know: {unknown}"
        raise SnapshotError(f"the snapshot is damaged: a store {problem}")
    account, region = contents["account"], contents["region"]
    if not (type(account) is str and _ACCOUNT.fullmatch(account)):
        raise SnapshotError(f"the snapshot holds a store whose account is not twelve digits: {account!r}")
    if not (type(region) is str and _REGION.fullmatch(region)):
        raise SnapshotError(f"the snapshot holds a store whose region is not a region name: {region!r}")
    where = f"the store of account {account} in {region}"
    tables, listed = _families(contents["families"], families, where)
    held = {id(document) for documents in tables for document in documents} | {id(item) for item in listed}
    resources = _typed(contents["resources"], dict, f"{where}: resources")
    for arn, document in resources.items():
        _resource(arn, document, account, region, held, where)
    indexed = {id(document) for document in resources.values()}
    for documents in tables:
        if any(id(document) in indexed for document in documents):
            stray = next((document for document in documents if id(document) not in indexed), None)
            if stray is not None:
                raise SnapshotError(f"{where}: a family holds a document the ARN index does not: {_short(stray)}")
    _references(contents, resources, where)


def _families(given: Any, families: dict[str, type[Backend]],
              where: str) -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Check each family's attributes; the documents the families hold (`_documents`)."""
    tables: list[list[dict[str, Any]]] = []
    listed: list[dict[str, Any]] = []
    for name, attributes in _typed(given, dict, f"{where}: families").items():
        cls = families.get(name)
        if cls is None:
            raise SnapshotError(f"the snapshot holds resources of a family this sagemock does not know: {name}")
        expected = _attribute_types(cls)
        hints = _attribute_hints(cls)
        for attribute, value in _typed(attributes, dict, f"{where}: {name}").items():
            kind = expected.get(attribute)
            if kind is None:
                raise SnapshotError(f"the snapshot gives {name} an attribute this sagemock's {name} does not have: "
                                    f"{attribute}")
            if type(value) is not kind:
                raise SnapshotError(f"the snapshot's {name}.{attribute} is a {type(value).__name__}; this sagemock's "
                                    f"{name} keeps a {kind.__name__} there")
            hint = hints.get(attribute)
            problem = _fits(value, hint) if hint is not None else None
            if problem is not None:
                raise SnapshotError(f"the snapshot's {name}.{attribute} is not a {_hint_text(hint)}: {problem}")
            in_tables, in_lists = _documents(value)
            tables.extend(in_tables)
            listed.extend(in_lists)
    return tables, listed


def _attribute_types(cls: type[Backend]) -> dict[str, type]:
    """The attributes a new instance of the family has, with their types."""
    from .state import Config, State, Store

    found = _ATTRIBUTE_TYPES.get(cls.__qualname__)
    if found is None or found[0] is not cls:
        fresh = cls(Store(State(Config()), "123456789012", "us-east-1"))
        kinds: dict[str, type] = {name: type(value) for name, value in vars(fresh).items() if name != "store"}
        kinds.update({name: dict for name in _tables(cls)})  # a table is written as the dict of its documents
        found = _ATTRIBUTE_TYPES[cls.__qualname__] = (cls, kinds)
    return found[1]


def _tables(cls: type[Backend]) -> list[str]:
    """The family's declared tables (`core.table`), whose documents are dicts keyed by str."""
    from .table import TableSpec

    return [name for klass in cls.__mro__ for name, value in vars(klass).items() if isinstance(value, TableSpec)]


_ATTRIBUTE_TYPES: dict[str, tuple[type, dict[str, type]]] = {}


def _attribute_hints(cls: type[Backend]) -> dict[str, Any]:
    """The annotations of the `self.<attribute>: <type> = ...` assignments in the family's
    `__init__` (and its bases'), evaluated in their module: what the family says it keeps."""
    found = _ATTRIBUTE_HINTS.get(cls.__qualname__)
    if found is not None and found[0] is cls:
        return found[1]
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        init = klass.__dict__.get("__init__")
        module = sys.modules.get(klass.__module__)
        if init is None or module is None:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
        except (OSError, TypeError, SyntaxError):  # no source at hand: the type checks above remain
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.AnnAssign):
                continue
            target = node.target
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                try:
                    code = compile(ast.Expression(node.annotation), "<annotation>", "eval")
                    hints[target.attr] = eval(code, vars(module))  # noqa: S307 (the family's own source)
                except Exception:  # noqa: BLE001 (an annotation this check cannot evaluate is skipped)
                    continue
    hints.update({name: dict[str, dict[str, Any]] for name in _tables(cls)})
    _ATTRIBUTE_HINTS[cls.__qualname__] = (cls, hints)
    return hints


_ATTRIBUTE_HINTS: dict[str, tuple[type, dict[str, Any]]] = {}


def _fits(value: Any, hint: Any) -> str | None:  # noqa: C901 (one dispatch on the kind of hint)
    """What is wrong with `value` as a `hint` (a type annotation), or None."""
    if hint is Any or hint is object:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        problems = [_fits(value, option) for option in args]
        return None if None in problems else problems[0]
    if origin is dict:
        if type(value) is not dict:
            return f"a {type(value).__name__} where a dict belongs"
        key_hint, value_hint = args or (Any, Any)
        if key_hint is str and value_hint is Any:
            return None  # (a JSON object's keys are strings anyway)
        for key, item in value.items():
            problem = _fits(key, key_hint) or _fits(item, value_hint)
            if problem is not None:
                return f"[{_short(key)}]: {problem}"
        return None
    if origin in (list, set, frozenset):
        if not isinstance(value, origin):
            return f"a {type(value).__name__} where a {origin.__name__} belongs"
        element = args[0] if args else Any
        return next((f"[{index}]: {problem}" for index, item in enumerate(value)
                     if (problem := _fits(item, element)) is not None), None)
    if origin is tuple:
        if type(value) is not tuple:
            return f"a {type(value).__name__} where a tuple belongs"
        if len(args) == 2 and args[1] is Ellipsis:
            args = (args[0],) * len(value)
        if args and len(args) != len(value):
            return f"a tuple of {len(value)} where one of {len(args)} belongs"
        return next((f"[{index}]: {problem}" for index, (item, part) in enumerate(zip(value, args, strict=True))
                     if (problem := _fits(item, part)) is not None), None)
    if hint is None or hint is type(None):
        return None if value is None else f"a {type(value).__name__} where None belongs"
    if isinstance(hint, type):
        if hint in (int, float) and isinstance(value, bool):
            return f"a bool where a {hint.__name__} belongs"
        if hint is float and isinstance(value, int):
            return None
        if not isinstance(value, hint):
            return f"a {type(value).__name__} where a {hint.__name__} belongs"
        if isinstance(value, _dt.datetime) and value.tzinfo is None:
            return "a time without a time zone"
    return None


def _hint_text(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")


def _documents(value: Any) -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]]]:
    """The documents in a family's attribute: those of its tables (dicts of documents), by
    table, and those in lists (the versions of a resource, of which one is indexed)."""
    tables: list[list[dict[str, Any]]] = []
    listed: list[dict[str, Any]] = []
    level = [value]
    for _ in range(_DOCUMENT_LEVELS):
        below: list[Any] = []
        for container in level:
            items = list(container.values()) if type(container) is dict else container
            documents = [item for item in items if type(item) is dict]
            if type(container) is dict:
                if documents:
                    tables.append(documents)
            else:
                listed.extend(documents)
            below.extend(item for item in items if type(item) in (dict, list))
        level = below
    return tables, listed


def _resource(arn: Any, document: Any, account: str, region: str, held: set[int], where: str) -> None:
    parsed = arns.parse(arn) if type(arn) is str else None
    if parsed is None or (parsed.account, parsed.region) != (account, region):
        raise SnapshotError(f"{where}: the ARN index holds {arn!r}, which is not an ARN of that account and region")
    if type(document) is not dict:
        raise SnapshotError(f"{where}: the document of {arn} is a {type(document).__name__}, not an object")
    if id(document) not in held:
        raise SnapshotError(f"{where}: the ARN index holds a document for {arn} that no family holds")
    sequence = document.get("_seq")
    if sequence is not None and type(sequence) is not int:
        raise SnapshotError(f"{where}: the document of {arn} has a creation-order stamp that is not an integer")
    own = [member for member, value in document.items() if value == arn and member.endswith("Arn")]
    if not own:
        raise SnapshotError(f"{where}: the document indexed as {arn} does not hold that ARN")
    # The noun the ARN's resource type names, where its Describe answers the ARN (an inference
    # recommendations job's `JobArn` is not DescribeJob's), else the nouns of the members holding it.
    by_kind = _output_shape("".join(part.capitalize() for part in parsed.resource_type.split("-")))
    if by_kind is not None and any(member in by_kind.members for member in own):
        shape: Shape | None = by_kind
    else:
        shape = next((found for found in map(_output_shape, (member[: -len("Arn")] for member in own)) if found), None)
    if shape is not None:
        missing = [name for name in shape.required_members if document.get(name) is None]
        if missing:
            raise SnapshotError(f"{where}: the document of {arn} lacks {', '.join(missing)}, which {shape.name} "
                                "requires")
        problem = _conforms(document, shape)
        if problem is not None:
            raise SnapshotError(f"{where}: the document of {arn} does not fit {shape.name}: {problem}")


@functools.cache
def _output_shape(noun: str) -> Shape | None:
    name = f"Describe{noun}"
    if name not in service.operation_names():
        return None
    shape = service.operation(name).output_shape
    # DescribeWorkforce and DescribeWorkteam answer the resource inside a member named after it,
    # DescribeTrainingSession inside `TrainingSessionDetail`.
    wrapped = (shape.members.get(noun) or shape.members.get(f"{noun}Detail")) if shape is not None else None
    return wrapped if wrapped is not None and wrapped.type_name == "structure" else shape


Conformer = Callable[[Any], "str | None"]


def _conforms(value: Any, shape: Shape) -> str | None:
    """What is wrong with `value` as a `shape`, or None. Only types: members the shape does not
    declare and private members are the family's business, and a missing member is filled in
    (or refused in strict mode) when the document is answered."""
    return _conformer(shape)(value)


def _conformer(shape: Shape) -> Conformer:
    """The check of one shape, made once (a store holds thousands of documents of a few shapes)."""
    found = _CONFORMERS.get(shape.name)
    if found is None:
        _CONFORMERS[shape.name] = lambda value: _conformer(shape)(value)  # (a recursive shape refers back)
        found = _CONFORMERS[shape.name] = _compile(shape)
    return found


_CONFORMERS: dict[str, Conformer] = {}


def _compile(shape: Shape) -> Conformer:  # noqa: C901 (one dispatch on the shape's type)
    kind = shape.type_name
    if kind == "structure":
        members = {name: _conformer(member) for name, member in shape.members.items()}

        def structure(value: Any) -> str | None:
            if type(value) is not dict:
                return f"expected an object, found {type(value).__name__}"
            for name, item in value.items():
                check = members.get(name)
                if check is not None and item is not None:
                    problem = check(item)
                    if problem is not None:
                        return f"{name}: {problem}"
            return None

        return structure
    if kind in ("list", "map"):
        element = _conformer(shape.member if kind == "list" else shape.value)

        def collection(value: Any) -> str | None:
            if kind == "list" and not isinstance(value, (list, tuple)):
                return f"expected a list, found {type(value).__name__}"
            if kind == "map" and type(value) is not dict:
                return f"expected a map, found {type(value).__name__}"
            for key, item in (enumerate(value) if kind == "list" else value.items()):
                problem = element(item) if item is not None else None
                if problem is not None:
                    return f"[{key}]: {problem}"
            return None

        return collection
    if kind == "timestamp":
        def timestamp(value: Any) -> str | None:
            if isinstance(value, _dt.datetime):
                return None if value.tzinfo is not None else "a time without a time zone"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return None
            return f"expected a time, found {type(value).__name__}"

        return timestamp
    expected = {"string": (str,), "integer": (int,), "long": (int,), "float": (int, float), "double": (int, float),
                "boolean": (bool,)}.get(kind)
    if expected is None:
        return lambda value: None
    described = {"string": "a string", "boolean": "a boolean", "integer": "an integer", "long": "an integer"}.get(
        kind, "a number")

    def scalar(value: Any) -> str | None:
        return None if type(value) in expected else f"expected {described}, found {type(value).__name__}"

    return scalar


def _references(contents: dict[str, Any], resources: dict[str, Any], where: str) -> None:
    for lowered, arn in _typed(contents["folded"], dict, f"{where}: folded").items():
        if arn not in resources or type(lowered) is not str or lowered != arn.lower():
            raise SnapshotError(f"{where}: the case-folded index maps {lowered!r} to {arn!r}, which is not indexed")
    taggable = contents["taggable"]
    if not isinstance(taggable, set):
        raise SnapshotError(f"{where}: taggable is a {type(taggable).__name__}, not a set")
    stray = next((arn for arn in taggable if arn not in resources), None)
    if stray is not None:
        raise SnapshotError(f"{where}: taggable holds {stray!r}, which is not indexed")
    for arn, tags in _typed(contents["tags"], dict, f"{where}: tags").items():
        if arn not in resources:
            raise SnapshotError(f"{where}: tags are kept for {arn!r}, which is not indexed")
        if type(tags) is not dict or not all(type(k) is str and type(v) is str for k, v in tags.items()):
            raise SnapshotError(f"{where}: the tags of {arn} are not an object of strings")
    operations = service.operation_names()
    for key, record in _typed(contents["idempotency"], dict, f"{where}: idempotency").items():
        if not (type(key) is tuple and len(key) == 2 and key[0] in operations and type(key[1]) is str):
            raise SnapshotError(f"{where}: an idempotency record is kept under {key!r}, not (operation, token)")
        if not (type(record) is tuple and len(record) == 3 and type(record[0]) is str and type(record[1]) is dict
                and (record[2] is None or (isinstance(record[2], _dt.datetime) and record[2].tzinfo is not None))):
            raise SnapshotError(f"{where}: the idempotency record of {key[0]} {key[1]!r} is not "
                                "(digest, answer, time)")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _typed(value: Any, kind: type, what: str) -> Any:
    if type(value) is not kind:
        raise SnapshotError(f"the snapshot is damaged: {what} is a {type(value).__name__}, not a {kind.__name__}")
    return value


__all__ = ["PARTS", "store"]
