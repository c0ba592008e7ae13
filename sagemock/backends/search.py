"""Search and GetSearchSuggestions over every resource family sagemock mocks.

Search reads the families' own Describe documents (the DESIGN's convention): a `Provider` per
`Resource` value yields the live documents of one table and builds the `SearchRecord` member for
a document (the document projected on the record shape, plus `Tags` and the members a record has
beyond Describe: a trial's `TrialComponentSummaries`, a component's `Parents` ...).

A request's `SearchExpression` is compiled once into a predicate over documents. Every property
path is resolved against the record shape of the botocore model (structure members, list
elements, any key of a map; `Tags.<key>`; `Metrics.<name>.<stat>`), which also gives the
property's type: numbers compare as numbers, timestamps as times, booleans as booleans, text as
text; an operator the type does not support is refused, as AWS documents.

Pages do not rebuild anything per request: per store, resource type and sort, a sorted list of
(sort position, document) is kept while the store's change counters for the records' family, their
kind and tags are unchanged (`Store.changed`: every write to that family, every resource of that
kind created or deleted); writes to other families leave it valid. A page bisects to the token's
position and walks from there evaluating the predicate on documents until the page is full;
records are built for that page only. A token carries the last position returned (sort value,
creation sequence, ARN) and a digest of the query, so pages stay consistent while resources are
added and a token is refused by any other query.

What AWS documents and sagemock follows (botocore model docs, Search/Filter/SearchExpression):
the default sort is LastModifiedTime (CreationTime for records without one), Descending; a Value
without an Operator means Equals (and, as the 2019 reference said, no Operator and no Value means
Exists); range operators are not for text, In and Contains only for text; `Contains` may appear
once per expression except on the whitelisted Experiment/Trial/TrialComponent properties (both
the whitelist and the error message are read from the model's documentation); at most 50
Filters, NestedFilters and SubExpressions in one expression. The choices where AWS is silent are
listed in docs/search.md.
"""
from __future__ import annotations

import abc
import bisect
import datetime as _dt
import functools
import math
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from botocore.model import Shape

from ..core import pagination, searchable, service
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.searchable import Provider, record_key_for, record_shape
from ..core.state import Store

Document = dict[str, Any]
#: The values a property path has in one document (lists flattened; missing values left out).
Getter = Callable[[Document], list[Any]]
Predicate = Callable[[Document], bool]

TEXT, NUMBER, TIMESTAMP, BOOLEAN, OBJECT, DYNAMIC = "text", "number", "timestamp", "boolean", "object", "dynamic"
_KINDS = {"string": TEXT, "integer": NUMBER, "long": NUMBER, "float": NUMBER, "double": NUMBER,
          "timestamp": TIMESTAMP, "boolean": BOOLEAN}
RANGE = frozenset({"GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo"})
TEXT_ONLY = frozenset({"In", "Contains"})


# -- what the model's documentation states ------------------------------------------------------

@functools.cache
def max_nodes() -> int:
    """"The maximum number of recursive SubExpressions, NestedFilters, and Filters that can be
    included in a SearchExpression object is 50" (Search.SearchExpression)."""
    doc = service.operation("Search").input_shape.members["SearchExpression"].documentation or ""
    found = re.search(r"included in a <code>SearchExpression</code> object is (\d+)", doc)
    if found is None:
        raise LookupError("the model no longer states how many nodes a SearchExpression may hold")
    return int(found.group(1))


@functools.cache
def _contains_rule() -> tuple[frozenset[tuple[str, str]], str]:
    """The properties `Contains` may be used on more than once, and the error otherwise
    (Filter.Operator's documentation)."""
    doc = service.shape("Filter").members["Operator"].documentation or ""
    start = doc.find("multiple times")
    end = doc.find("only one <code>Contains</code>")
    message = re.search(r"error message: \"<code>(.+?)</code>\"", doc)
    if start < 0 or end < 0 or message is None:
        raise LookupError("the model no longer documents the Contains usage limit")
    names = re.findall(r"<code>(\w+)\.(\w+)</code>", doc[start:end])
    return frozenset(names), message.group(1)


def contains_whitelist() -> frozenset[tuple[str, str]]:
    return _contains_rule()[0]


def contains_limit_message() -> str:
    return _contains_rule()[1]


# -- property paths -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Property:
    name: str
    kind: str
    get: Getter
    #: The record member the path starts with (the Contains whitelist is by top-level member).
    top: str
    #: The document member holding the value, for a path that is one scalar member kept as it is
    #: (a sort on one reads the table's sorted index).
    member: str | None = None


def _unknown(name: str, resource: str) -> ValidationError:
    return ValidationError(f"Invalid property name '{name}': it is not a property of {resource} search records. "
                           "For valid property names, see SearchRecord.")


def _is_metric_list(node: Shape) -> bool:
    return node.type_name == "list" and node.member.type_name == "structure" and "MetricName" in node.member.members


def _unwrap(node: Shape) -> Shape:
    while node.type_name == "list" and node.name != "TagList" and not _is_metric_list(node):
        node = node.member
    return node


def _flatten(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, list):
            out.extend(_flatten(value))
        else:
            out.append(value)
    return out


def _computed_step(store: Store, compute: Callable[[Store, Document], Any]) -> Callable[[list[Any]], list[Any]]:
    def step(values: list[Any]) -> list[Any]:
        return _flatten([compute(store, values[0])])

    return step


def _member_step(segment: str) -> Callable[[list[Any]], list[Any]]:
    def step(values: list[Any]) -> list[Any]:
        out: list[Any] = []
        for value in values:
            if type(value) is dict:
                found = value.get(segment)
                if found is None:
                    continue
                if type(found) is list:
                    for item in found:
                        if type(item) is list:
                            out.extend(_flatten(item))
                        elif item is not None:
                            out.append(item)
                else:
                    out.append(found)
        return out

    return step


def _top_member(segment: str) -> Getter:
    """The values of a top-level member (the common case, kept short: it runs for every document)."""
    def get(document: Document) -> list[Any]:
        found = document.get(segment)
        if found is None:
            return []
        if type(found) is list:
            return _flatten(found)
        return [found]

    return get


def _metric_step(metric: str) -> Callable[[list[Any]], list[Any]]:
    def step(values: list[Any]) -> list[Any]:
        return [value for value in _flatten(values) if isinstance(value, dict) and value.get("MetricName") == metric]

    return step


def _parameter_value(values: list[Any]) -> list[Any]:
    """A trial component parameter compares by its one value: NumberValue or StringValue."""
    out = []
    for value in values:
        if isinstance(value, dict):
            found = value.get("NumberValue", value.get("StringValue"))
            if found is not None:
                out.append(found)
    return out


def compile_path(provider: Provider, store: Store, name: str, base: Shape | None = None,
                 prefix: str = "") -> Property:
    """Resolve a property path against the record shape (or, in a nested filter, an element shape)."""
    segments = name.split(".")
    node = base if base is not None else provider.shape
    top = segments[0] if not prefix else prefix.split(".")[0]
    steps: list[Callable[[list[Any]], list[Any]]] = []
    kind = OBJECT
    index = 0
    simple = base is not None
    if base is None:
        first = segments[0]
        if first == "Metrics" and "Metrics" not in node.members and "FinalMetricDataList" in node.members:
            first = "FinalMetricDataList"  # training jobs: Metrics.<name> are their final metrics
        if first not in node.members:
            raise _unknown(name, provider.resource)
        compute = provider.computed.get(first)
        simple = compute is None and first == segments[0]
        if compute is not None:
            steps.append(_computed_step(store, compute))
        else:
            steps.append(_member_step(first))
        node = _unwrap(node.members[first])
        index = 1
    while index < len(segments):
        segment = segments[index]
        if node.name == "TagList":  # Tags.<key>: tags are kept as a map
            steps.append(_member_step(segment))
            node = node.member.members["Value"]
        elif _is_metric_list(node):
            steps.append(_metric_step(segment))
            node = node.member
            value = node.members.get("Value")
            if index == len(segments) - 1 and value is not None and _KINDS.get(value.type_name) == NUMBER:
                steps.append(_member_step("Value"))  # Metrics.<name> of a training job: its final value
                node = value
        elif node.type_name == "structure" and segment in node.members:
            steps.append(_member_step(segment))
            node = _unwrap(node.members[segment])
        elif node.type_name == "map":
            steps.append(_member_step(segment))
            node = _unwrap(node.value)
        else:
            raise _unknown(prefix + name, provider.resource)
        index += 1
    if node.type_name == "structure" and set(node.members) == {"StringValue", "NumberValue"}:
        steps.append(_parameter_value)
        kind = DYNAMIC
    elif _is_metric_list(node) or node.type_name in ("structure", "map", "list"):
        kind = OBJECT
    elif top == "HyperParameters":
        kind = DYNAMIC  # hyperparameters are strings that compare as numbers when they are ones
    else:
        kind = _KINDS.get(node.type_name, TEXT)

    plain = simple and len(steps) == 1
    get = _top_member(segments[0]) if plain else _walk(tuple(steps))
    scalar = plain and base is None and kind in (TEXT, NUMBER, TIMESTAMP, BOOLEAN) \
        and provider.shape.members[segments[0]].type_name != "list"
    return Property(prefix + name, kind, get, top, segments[0] if scalar else None)


def _walk(steps: tuple[Callable[[list[Any]], list[Any]], ...]) -> Getter:
    def get(document: Document) -> list[Any]:
        values: list[Any] = [document]
        for step in steps:
            values = step(values)
            if not values:
                return values
        return values

    return get


def list_property(provider: Provider, store: Store, name: str) -> tuple[Getter, Shape]:
    """A NestedPropertyName: a path to a list property; its elements, and their shape."""
    prop = compile_path(provider, store, name)
    node = provider.shape
    for segment in name.split("."):
        node = _raw_member(node, segment)
    if node.type_name != "list" or node.name == "TagList":
        raise ValidationError(f"NestedPropertyName '{name}' is not a list property of {provider.resource} "
                              "search records.")
    element = node.member
    while element.type_name == "list":
        element = element.member
    return prop.get, element


def _raw_member(node: Shape, segment: str) -> Shape:
    while node.type_name == "list" and not _is_metric_list(node):
        node = node.member
    if node.type_name == "structure":
        return node.members[segment]
    if node.type_name == "map":
        return node.value
    return node.member  # a metric list: the element


# -- filters ------------------------------------------------------------------------------------

def _number(text: str) -> float | int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _epoch(text: str) -> tuple[float, bool] | None:
    """A filter's timestamp Value as (epoch seconds, whether sub-second precision was given)."""
    number = _number(text)
    if number is not None:
        return float(number), isinstance(number, float)
    try:
        moment = _dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.timestamp(), moment.microsecond != 0


def _as_epoch(value: Any) -> float | None:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return float(value.timestamp())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda a, b: bool(a == b),
    "GreaterThan": lambda a, b: bool(a > b),
    "GreaterThanOrEqualTo": lambda a, b: bool(a >= b),
    "LessThan": lambda a, b: bool(a < b),
    "LessThanOrEqualTo": lambda a, b: bool(a <= b),
}


def _value_test(prop: Property, operator: str, value: str) -> Callable[[Any], bool]:
    """A test of one value of the property (the operator's positive form: NotEquals tests Equals)."""
    kind = prop.kind
    if operator in RANGE and kind == TEXT:
        raise ValidationError(f"The {operator} operator is not supported for the text property '{prop.name}'.")
    if operator in TEXT_ONLY and kind not in (TEXT, DYNAMIC) and not (operator == "Contains" and kind == OBJECT):
        raise ValidationError(f"The {operator} operator is only supported for text properties; "
                              f"'{prop.name}' is a {kind} property.")
    if kind == OBJECT and operator != "Contains":
        raise ValidationError(f"The {operator} operator cannot be used on '{prop.name}', which is not a single "
                              "value: name one of its members.")
    compare = _COMPARE.get("Equals" if operator == "NotEquals" else operator)
    if operator == "Contains":
        needle = value.lower()
        if kind == OBJECT:
            return lambda found: any(needle in text.lower() for text in _strings(found))
        return lambda found: needle in str(found).lower()
    if operator == "In":
        choices = frozenset(part.strip() for part in value.split(","))
        return lambda found: _text(found) in choices
    assert compare is not None
    if kind == NUMBER:
        number = _number(value)
        if number is None:
            raise ValidationError(f"The value '{value}' of the filter on '{prop.name}' is not a number: a numeric "
                                  "property takes an integer or a floating-point decimal.")
        return lambda found: isinstance(found, (int, float)) and compare(found, number)
    if kind == TIMESTAMP:
        parsed = _epoch(value)
        if parsed is None:
            raise ValidationError(f"The value '{value}' of the filter on '{prop.name}' is not a timestamp: use an "
                                  "ISO 8601 date-time (YYYY-mm-dd'T'HH:MM:SS) or epoch seconds.")
        bound, precise = parsed

        def test_time(found: Any) -> bool:
            seconds = _as_epoch(found)
            if seconds is None:
                return False
            return compare(seconds if precise else math.floor(seconds), bound)

        return test_time
    if kind == BOOLEAN:
        if value.lower() not in ("true", "false"):
            raise ValidationError(f"The value '{value}' of the filter on '{prop.name}' is not a Boolean: use true "
                                  "or false.")
        flag = value.lower() == "true"
        if operator in RANGE:  # AWS refuses range operators on text only: false < true
            return lambda found: isinstance(found, bool) and compare(found, flag)
        return lambda found: found is flag
    if kind == DYNAMIC:
        number = _number(value)
        if number is None:
            if operator in RANGE:
                raise ValidationError(f"The value '{value}' of the filter on '{prop.name}' is not a number: "
                                      f"{operator} compares numbers.")
            return lambda found: _text(found) == value
        integral = isinstance(number, int)

        def test_dynamic(found: Any) -> bool:
            numeric = found if isinstance(found, (int, float)) and not isinstance(found, bool) else \
                _number(found) if isinstance(found, str) else None
            if numeric is None:
                return False
            if integral:  # "If the specified Value is an integer, ... treated as integers."
                numeric = math.trunc(numeric)
            return compare(numeric, number)

        return test_dynamic
    return lambda found: isinstance(found, str) and compare(found, value)  # text: Equals only


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not str(key).startswith("_"):
                yield str(key)
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class Compiler:
    """Turns a SearchExpression into a predicate over documents, checking it as AWS does."""

    def __init__(self, provider: Provider, store: Store):
        self.provider = provider
        self.store = store
        self.contains = 0
        self.nodes = 0

    def expression(self, expression: Mapping[str, Any]) -> Predicate:
        filters = expression.get("Filters") or []
        nested = expression.get("NestedFilters") or []
        subs = expression.get("SubExpressions") or []
        if not (filters or nested or subs):
            raise ValidationError("A SearchExpression must contain at least one subexpression, filter, or nested "
                                  "filter.")
        self._count(len(filters) + len(nested) + len(subs))
        parts = [self.filter(item) for item in filters]
        parts += [self.nested(item) for item in nested]
        parts += [self.expression(item) for item in subs]
        if expression.get("Operator") == "Or":
            return lambda document: any(part(document) for part in parts)
        if len(parts) == 1:
            return parts[0]
        return lambda document: all(part(document) for part in parts)

    def _count(self, added: int) -> None:
        self.nodes += added
        if self.nodes > max_nodes():
            raise ValidationError(f"The SearchExpression has more than {max_nodes()} SubExpressions, NestedFilters "
                                  "and Filters in all.")

    def filter(self, item: Mapping[str, Any], base: Shape | None = None, prefix: str = "",
               element: bool = False) -> Predicate:
        name = item["Name"]
        prop = compile_path(self.provider, self.store, name, base, prefix)
        value = item.get("Value")
        operator = item.get("Operator") or ("Equals" if value is not None else "Exists")
        if operator == "Contains" and (self.provider.record_key, prop.top) not in contains_whitelist():
            self.contains += 1
            if self.contains > 1:
                raise ValidationError(contains_limit_message())
        get = prop.get
        if operator == "Exists":
            return lambda document: bool(get(document))
        if operator == "NotExists":
            return lambda document: not get(document)
        if value is None:
            raise ValidationError(f"The filter on '{prop.name}' needs a Value for the {operator} operator.")
        test = _value_test(prop, operator, value)
        if operator == "NotEquals":
            return lambda document: not any(test(found) for found in get(document))
        return lambda document: any(test(found) for found in get(document))

    def nested(self, item: Mapping[str, Any]) -> Predicate:
        """Some single element of the list property satisfies every one of the filters."""
        name = item["NestedPropertyName"]
        elements, element_shape = list_property(self.provider, self.store, name)
        self._count(len(item["Filters"]))
        tests = []
        for inner in item["Filters"]:
            inner_name = inner["Name"]
            if not inner_name.startswith(name + "."):
                raise ValidationError(f"The nested filter on '{name}' has a filter on '{inner_name}': the names of "
                                      f"a nested filter's filters must start with '{name}.'.")
            relative = {**inner, "Name": inner_name[len(name) + 1:]}
            tests.append(self.filter(relative, base=_unwrap(element_shape), prefix=name + "."))

        def match(document: Document) -> bool:
            return any(all(test(element) for test in tests) for element in elements(document))

        return match


# -- sorting and pages --------------------------------------------------------------------------

Position = tuple[Any, ...]


def _sort_value(prop: Property, document: Document, descending: bool) -> tuple[int, int, Any]:
    """(present?, type rank, value): missing values sort last in either order; a list sorts by its
    smallest value ascending and its largest descending."""
    keys: list[tuple[int, Any]] = []
    for value in prop.get(document):
        if isinstance(value, bool):
            keys.append((0, int(value)))
        elif isinstance(value, (int, float)):
            keys.append((0, value))
        elif isinstance(value, _dt.datetime):
            keys.append((0, _as_epoch(value)))
        elif isinstance(value, str):
            keys.append((1, value))
    if not keys:
        return (0 if descending else 1, 0, 0)
    rank, value = max(keys) if descending else min(keys)
    return (1 if descending else 0, rank, value)


@dataclass
class SortedView:
    version: tuple[int, ...]
    keys: Sequence[Position]
    documents: Sequence[Document]
    volatile: bool  # some resource was mid-transition: statuses move without a write


_caches: weakref.WeakKeyDictionary[Store, dict[Any, Any]] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()
_MAX_VIEWS = 16
#: Up to this many records of a type, TotalHits is counted exactly on every new query (a few ms).
EXACT_COUNT_LIMIT = 2000
_MAX_COUNTS = 64


def _cache(store: Store) -> dict[Any, Any]:
    found = _caches.get(store)
    if found is None:
        with _caches_lock:
            found = _caches.get(store)
            if found is None:
                found = _caches[store] = {}
    return found


def _remember(cache: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    cache.pop(key, None)
    cache[key] = value
    while len(cache) > limit:
        cache.pop(next(iter(cache)))


def sorted_view(provider: Provider, store: Store, ctx: Context, sort: Property, descending: bool) -> SortedView:
    """The provider's live documents sorted by `sort`: read from the table's sorted index where the
    sort is on one member of the documents a table keeps, else sorted here (and cached while the
    store is unchanged)."""
    indexed = _indexed_view(provider, store, ctx, sort, descending)
    if indexed is not None:
        return indexed
    views = _cache(store).setdefault("views", {})
    key = (provider.resource, sort.name, descending)
    version = store.version(*provider.depends)
    view: SortedView | None = views.get(key)
    if view is not None and view.version == version and not view.volatile:
        return view
    lifecycle = provider.lifecycle
    documents = list(provider.live(store, ctx) if provider.live else provider.documents(store))
    volatile = provider.live is not None  # brought up to date by their family on every read
    if lifecycle is not None:
        live = []
        for document in documents:
            if lifecycle.observe(document, ctx):
                live.append(document)
                volatile = volatile or lifecycle.in_transition(document)
        documents = live
    id_key = provider.id_key
    keyed = sorted((((*_sort_value(sort, document, descending), document.get("_seq", 0), document[id_key]), document)
                    for document in documents), key=_first)
    view = SortedView(version, [position for position, _ in keyed], [document for _, document in keyed],
                      volatile)
    _remember(views, key, view, _MAX_VIEWS)
    return view


def _first(pair: tuple[Position, Document]) -> Position:
    return pair[0]


def _indexed_view(provider: Provider, store: Store, ctx: Context, sort: Property,
                  descending: bool) -> SortedView | None:
    """The view over the table's index of the sort member, without sorting or reading every document.

    The index orders documents as a List does: those without the member first, then by value. A
    Search puts those without it last in either order, so its order is the index's turned: from
    the first document with a value, round to those without (ascending), or the index as it is,
    walked from its end (descending, which reads the sorted keys backwards)."""
    if provider.table is None or provider.live is not None or sort.member is None:
        return None
    table = store.table(provider.table)
    if table.spec.lifecycle is not provider.lifecycle:
        return None
    table.settle(ctx)
    index = table.ordered(sort.member, provider.id_key)
    documents = _Turned(index.documents, 0 if descending else index.before(([1],)))
    keys = _Keys(documents, sort, descending, provider.id_key)
    return SortedView(store.version(*provider.depends), keys, documents, bool(table.moving))


T = TypeVar("T")


class _Computed(Sequence[T]):
    """A sequence as long as `documents` whose items are computed as they are read."""

    def __init__(self, documents: Sequence[Document]):
        self.documents = documents

    def __len__(self) -> int:
        return len(self.documents)

    @overload
    def __getitem__(self, at: int) -> T: ...

    @overload
    def __getitem__(self, at: slice) -> Sequence[T]: ...

    def __getitem__(self, at: int | slice) -> T | Sequence[T]:
        if isinstance(at, slice):
            return [self[one] for one in range(len(self))[at]]
        if not 0 <= at < len(self.documents):
            raise IndexError(at)
        return self.item(at)

    @abc.abstractmethod
    def item(self, at: int) -> T:
        """The item at `at` (within bounds)."""


class _Turned(_Computed[Document]):
    """A list read from `start`, round to its beginning."""

    def __init__(self, documents: list[Document], start: int):
        super().__init__(documents)
        self.start = start

    def item(self, at: int) -> Document:
        return self.documents[(at + self.start) % len(self.documents)]


class _Keys(_Computed[Position]):
    """The Search positions of a sequence of documents, computed as they are read (a bisection
    reads a few)."""

    def __init__(self, documents: Sequence[Document], sort: Property, descending: bool, id_key: str):
        super().__init__(documents)
        self.sort, self.descending, self.id_key = sort, descending, id_key

    def item(self, at: int) -> Position:
        document = self.documents[at]
        return (*_sort_value(self.sort, document, self.descending), document.get("_seq", 0), document[self.id_key])


def _visible(provider: Provider, store: Store, conditions: list[Mapping[str, Any]]) -> Predicate | None:
    """VisibilityConditions: a resource with one of the tags must have the value given; one without
    the tag stays in the results."""
    if not conditions:
        return None
    wanted = []
    for condition in conditions:
        key = condition.get("Key", "")
        if not key.startswith("Tags.") or len(key) == len("Tags."):
            raise ValidationError(f"VisibilityConditions key '{key}' must have the form Tags.<key>.")
        wanted.append((key[len("Tags."):], condition.get("Value", "")))
    tags_of = provider.computed.get("Tags")
    if tags_of is None:
        return None

    def check(document: Document) -> bool:
        tags = tags_of(store, document)
        return all(tags.get(key, value) == value for key, value in wanted)

    return check


def default_max() -> int:
    """No default page size is documented for Search; the model's cap is the natural one."""
    return service.max_results_limit("Search") or 100


# -- the operations -----------------------------------------------------------------------------

class Search(Backend):
    """Search and GetSearchSuggestions; the resources are the other families' documents."""

    @operation
    def search(self, params: Params, ctx: Context) -> Document:
        resource = params["Resource"]
        provider = searchable.provider(resource)
        record_key = record_key_for(resource)
        expression = params.get("SearchExpression")
        empty: Document = {"Results": [], **self._hits((0, True))}
        if provider is None:
            if record_key is not None:  # check the request as for a mocked resource, then find nothing
                stand_in = Provider(resource, record_key, "", lambda store: ())
                if expression is not None:
                    Compiler(stand_in, self.store).expression(expression)
                if params.get("SortBy"):
                    _sort_property(stand_in, self.store, params["SortBy"])
            return empty
        predicate = Compiler(provider, self.store).expression(expression) if expression is not None else None
        sort = _sort_property(provider, self.store, params.get("SortBy") or provider.sort_default())
        visible = _visible(provider, self.store, params.get("VisibilityConditions") or [])
        if params.get("CrossAccountFilterOption") == "CrossAccount":
            return empty  # nothing in the mock is shared from another account
        matches = _both(predicate, visible)
        descending = (params.get("SortOrder") or "Descending") == "Descending"
        view = sorted_view(provider, self.store, ctx, sort, descending)
        query = pagination.digest(params)
        token = params.get("NextToken")
        keys, documents = view.keys, view.documents
        try:
            if descending:
                end = bisect.bisect_left(keys, pagination.decode_position(token, query, 5)) if token else len(keys)
                indices: Iterable[int] = range(end - 1, -1, -1)
            else:
                start = bisect.bisect_right(keys, pagination.decode_position(token, query, 5)) if token else 0
                indices = range(start, len(keys))
        except TypeError:  # a position of another sort
            raise ValidationError(pagination.BAD_TOKEN) from None
        limit = params.get("MaxResults") or default_max()
        page: list[int] = []
        walked_to_end = True
        for index in indices:
            document = documents[index]
            if "_gone" in document or not matches(document):
                continue
            page.append(index)
            if len(page) > limit:
                walked_to_end = False
                break
        next_token = None
        found = len(page)
        if len(page) > limit:
            page = page[:limit]
            next_token = pagination.encode_position(keys[page[-1]], query)
        results = [provider.record(self.store, documents[index]) for index in page]
        return {"Results": results, "NextToken": next_token,
                **self._hits(self._count(query, view, matches, found, walked_to_end and not token))}

    def _count(self, query: str, view: SortedView, matches: Predicate, found: int,
               complete: bool) -> tuple[int, bool]:
        """TotalHits, exact where it is cheap: when this walk saw every record, when an earlier
        walk of the same query over the same records counted them, or when there are few enough
        records to count (EXACT_COUNT_LIMIT). Beyond that, the lower bound the walk proves, with
        `GreaterThanOrEqualTo` as AWS answers for large results, so a page never scans them all."""
        counts = _cache(self.store).setdefault("counts", {})
        known = counts.get(query)
        if known is not None and known[0] == view.version and not view.volatile:
            return int(known[1]), True
        if not complete and len(view.documents) <= EXACT_COUNT_LIMIT:
            found = sum(1 for document in view.documents if "_gone" not in document and matches(document))
            complete = True
        if complete:
            _remember(counts, query, (view.version, found), _MAX_COUNTS)
            return found, True
        return found, False

    @staticmethod
    def _hits(total: tuple[int, bool]) -> Document:
        """TotalHits, where the installed model has it (botocore 1.35 does not)."""
        if "TotalHits" not in service.operation("Search").output_shape.members:
            return {}
        value, exact = total
        return {"TotalHits": {"Value": value, "Relation": "EqualTo" if exact else "GreaterThanOrEqualTo"}}

    @operation
    def get_search_suggestions(self, params: Params, ctx: Context) -> Document:
        resource = params["Resource"]
        hint = ((params.get("SuggestionQuery") or {}).get("PropertyNameQuery") or {}).get("PropertyNameHint") or ""
        record_key = record_key_for(resource)
        if record_key is None:
            return {"PropertyNameSuggestions": []}
        # "Provides suggestions for HyperParameters, Tags, and Metrics": the names the resources
        # hold under those maps (a trial component's hyperparameters are its Parameters).
        provider = searchable.provider(resource)
        names = self._dynamic_names(provider, ctx) if provider is not None else set()
        wanted = hint.lower()
        matching = sorted(name for name in names if name.lower().startswith(wanted))
        return {"PropertyNameSuggestions": [{"PropertyName": name} for name in matching]}

    def _dynamic_names(self, provider: Provider, ctx: Context) -> set[str]:
        """`Tags.<key>`, `HyperParameters.<name>` (`Parameters.<name>` for trial components) and
        `Metrics.<name>`: the names the live resources hold under those members."""
        members = provider.shape.members
        maps = [member for member in ("Tags", "HyperParameters", "Parameters") if member in members]
        metric_lists = [member for member, member_shape in members.items() if _is_metric_list(member_shape)]
        documents = list(provider.live(self.store, ctx) if provider.live else provider.documents(self.store))
        if provider.lifecycle is not None:
            documents = provider.lifecycle.live(documents, ctx)
        names: set[str] = set()
        for document in documents:
            for member in maps:
                compute = provider.computed.get(member)
                value = compute(self.store, document) if compute else document.get(member)
                if isinstance(value, dict):
                    names.update(f"{member}.{key}" for key in value if len(member) + len(key) < 255)
            for member in metric_lists:
                for metric in document.get(member) or ():
                    if isinstance(metric, dict) and metric.get("MetricName"):
                        names.add(f"Metrics.{metric['MetricName']}")
        return names


def _both(first: Predicate | None, second: Predicate | None) -> Predicate:
    if first is not None and second is not None:
        return lambda document: first(document) and second(document)
    return first or second or (lambda document: True)


def _sort_property(provider: Provider, store: Store, name: str) -> Property:
    prop = compile_path(provider, store, name)
    if prop.kind == OBJECT:
        raise ValidationError(f"Cannot sort by '{name}': it is not a single value. Sort by a text, numeric, "
                              "Boolean or timestamp property.")
    return prop


@functools.cache
def property_names(record_key: str) -> tuple[str, ...]:
    """Every dotted property path of a record shape (lists traversed, maps named but not entered)."""
    names: list[str] = []

    def walk(node: Shape, prefix: str, seen: tuple[str, ...]) -> None:
        node = _unwrap(node)
        if node.type_name != "structure" or node.name in seen or len(seen) > 8:
            return
        for member, member_shape in node.members.items():
            path = f"{prefix}{member}"
            names.append(path)
            walk(member_shape, path + ".", (*seen, node.name))

    walk(record_shape(record_key), "", ())
    return tuple(names)
