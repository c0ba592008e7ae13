"""Declared resources: the operations of one resource noun, derived from the botocore model.

Most SageMaker resources follow one pattern: Create, Describe (or Get), List, Update, Delete, Stop
and Start over one noun. A family declares such a resource where the model describes it,

    MODEL = Resource("Model", missing=..., duplicate=..., example={...})

    class Models(Backend):
        models = MODEL.table()

and the engine answers every one of those operations the installed model has and the family does
not write itself (a hand-written method always wins). What the model gives is read from it when the
resource is first used (`Resource.bound`), never at import:

* the verbs present, `Describe*` or `Get*` to read;
* the identifier (the read operation's one required input member) and the ARN member beside it,
  the ARN's resource type from that member's pattern, and the status member;
* the members Describe echoes from Create, CreationTime/LastModifiedTime, CreatedBy/LastModifiedBy;
* the List operation's filters (`NameContains`, `StatusEquals`, the time windows, `<Member>Equals`,
  `<Member>Contains` (the text in any case), members that name a Describe member), its `SortBy`
  values and the defaults its documentation states, its summary shape;
* the members an Update sets.

What the model cannot give is declared: messages, a lifecycle, references to other resources, the
rules AWS states in prose (each with its source, for Create and, where AWS says so, Update and
Delete), filters or summary members the model names differently, AWS's words for a refused status,
hooks for members AWS computes, what AWS does on its own between requests (`prepare`), and the
member a Describe answers the resource inside (`wrapped=`: DescribeWorkforce's `Workforce`), from
which everything above is then read. Binding refuses to guess: a List operation that is not
`List<Noun>s`, a summary member Describe does not have, a `SortBy` value that names no member, a
default the documentation does not state, a Describe that wraps the resource undeclared, each
fails loudly, in the test that binds every declaration rather than at a user's first request, until
the declaration says what the model does not.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.model import Shape

from . import arns, service, shape, tags
from .errors import ResourceInUse, ResourceNotFound, ServiceError, ValidationError
from .pagination import Listing
from .table import TableSpec

if TYPE_CHECKING:
    from .context import Context
    from .lifecycle import Lifecycle

Document = dict[str, Any]
Params = dict[str, Any]
#: A rule AWS states in prose: raises the error AWS answers when the request breaks it.
Check = Callable[[Params, "Context"], None]
#: Computes members AWS fills in itself: called with the new (or updated) document, the request and
#: the context, before the document is held.
Hook = Callable[[Document, Params, "Context"], None]

#: Every declared resource, by noun (the contract tests and the binding test walk them all).
RESOURCES: dict[str, Resource] = {}
#: The declarations the installed model is too old for (it has no Describe or Get of the noun), by
#: noun: kept apart from RESOURCES, so nothing that walks the declared resources (the contract tests,
#: the rule ledger, the fuzz world, the benchmark) binds them against a model without them.
NEWER: dict[str, Resource] = {}

VERBS = ("Create", "Describe", "Get", "List", "Update", "Delete", "Stop", "Start")
_TYPE_IN_PATTERN = re.compile(r":\[0-9\]\{12\}:([a-z][a-z0-9-]*)/")
_DEFAULT = re.compile(r"[Tt]he default (?:is|value is) (?:<code>)?(\w+)")
_TIME_FILTERS = ("CreationTimeAfter", "CreationTimeBefore", "LastModifiedTimeAfter", "LastModifiedTimeBefore")
_PAGING = ("NextToken", "MaxResults", "SortBy", "SortOrder")


@dataclass(frozen=True)
class Answer:
    """A value of an example request taken from the answer to one of its `example_needs`: a
    user profile's example names its domain by `Answer("CreateDomain", "DomainId")`, the id
    SageMaker made. `resolve` puts the answered values in."""

    operation: str
    member: str
    #: Where an older model's answer lacks the member, the ARN member whose last segment is it
    #: (botocore 1.35's CreateDomain answers DomainArn and Url, not DomainId).
    from_arn: str | None = None
    #: Where the value lies inside the member: list indexes and structure members, in turn (a
    #: training plan's example buys the first offering a search answered:
    #: `Answer("SearchTrainingPlanOfferings", "TrainingPlanOfferings", within=(0, "TrainingPlanOfferingId"))`).
    within: tuple[int | str, ...] = ()

    def value(self, answer: Mapping[str, Any]) -> Any:
        if self.member in answer or self.from_arn is None:
            found = answer[self.member]
            for step in self.within:
                found = found[step]
            return found
        return str(answer[self.from_arn]).rsplit("/", 1)[-1]


def resolve(params: Any, answers: Mapping[str, Mapping[str, Any]]) -> Any:
    """`params` with every `Answer` in it replaced by the member of the answer to its operation."""
    if isinstance(params, Answer):
        return params.value(answers[params.operation])
    if isinstance(params, Mapping):
        return {key: resolve(value, answers) for key, value in params.items()}
    if isinstance(params, list | tuple):
        return [resolve(value, answers) for value in params]
    return params


def _with(value: Any, path: list[str], new: str) -> Any:
    """`value` (a request, a list, a structure) with the member at `path` set to `new`, copied."""
    if isinstance(value, list):
        return [_with(item, path, new) for item in value]
    if not isinstance(value, dict) or path[0] not in value:
        return value
    return {**value, path[0]: new if len(path) == 1 else _with(value[path[0]], path[1:], new)}


class BindingError(RuntimeError):
    """The model does not fit a declaration in a way the engine refuses to guess at."""


def _has_member(shape: Shape | None, dotted: str) -> bool:
    """Whether a structure takes the member at a dotted path (`TransformResources.InstanceCount`)."""
    for member in dotted.split("."):
        if shape is None or shape.type_name != "structure" or member not in shape.members:
            return False
        shape = shape.members[member]
    return True


def prose_limits() -> set[tuple[str, str]]:
    """(operation, member path as the input validator names it) for every limit a declared rule
    refuses in the validator's words (`Rule.refuses`): refusals a request valid by the model's
    shapes can meet."""
    from .validate import request_path

    found: set[tuple[str, str]] = set()
    for resource in RESOURCES.values():
        for rule in resource.rules:
            for verb in rule.on if rule.refuses else ():
                operation = resource.bound.operations.get(verb.capitalize())
                if operation is not None:
                    found.update((operation, request_path(path)) for path in rule.refuses)
    return found


@dataclass(frozen=True)
class Rule:
    """A rule AWS states in words: the check that enforces it, and where AWS says it.

    `claims` are fragments of the model's documentation the rule enforces, so the rule ledger
    (tests/test_rule_ledger.py) can tell which rule-like sentences of the model are enforced."""

    check: Check
    source: str
    claims: tuple[str, ...] = ()
    #: The operations the rule applies to ("create", "update", "delete", "list"): AWS states some
    #: rules of a Create request for its Update too, some refusals of a Delete by what else holds,
    #: and some of a List's filters.
    on: tuple[str, ...] = ("create",)
    #: Request members (dotted paths: `TransformResources.InstanceCount`) whose limit AWS states in
    #: prose, not in the model's constraints, and answers in the input validator's words ("Value '101'
    #: at 'transformResources.instanceCount' failed to satisfy constraint: ..."), as this rule does.
    #: A request valid by the model's shapes may break them (the fuzz tests read them: `prose_limits`).
    refuses: tuple[str, ...] = ()


@dataclass(eq=False)
class Resource:
    """One resource noun's declaration: only what the botocore model cannot say."""

    noun: str
    #: The error AWS answers for a resource that does not exist, given the ARN asked for (the
    #: identifier as given, for a resource `found_by_name`: a name, an ARN or an id).
    missing: Callable[[str], ServiceError]
    #: The error AWS answers for a name in use, given the existing resource's ARN.
    duplicate: Callable[[str], ServiceError]
    lifecycle: Lifecycle | None = None
    #: The ARN's resource type, where the ARN member's pattern does not name it.
    kind: str | None = None
    #: The List operation, where it is not `List<Noun>s`.
    list_operation: str | None = None
    #: SortBy value -> document member, for values that do not name a member (or name one that
    #: does not sort, a structure: a private `_member` the family keeps holds its sort value).
    sort_members: Mapping[str, str] = field(default_factory=dict)
    #: (SortBy, SortOrder) defaults where the documentation states none, with the reason.
    default_sort: tuple[str, str] | None = None
    #: CreationTimeAfter includes its bound ("greater than or equal to").
    inclusive_after: bool = False
    #: List filter member -> test(document, value), for filters the model names differently.
    filters: Mapping[str, Callable[[Document, Any], bool]] = field(default_factory=dict)
    #: Summary member -> the Describe member it lists under another name (a List that renames
    #: `JobDefinitionName` `MonitoringJobDefinitionName`), or its value computed from the document,
    #: for members Describe does not have.
    summary: Mapping[str, str | Callable[[Document], Any]] = field(default_factory=dict)
    #: Members AWS keeps and List answers, filters or sorts on, but Describe does not answer ->
    #: the private document field that holds each (`{"LastModifiedTime": "_LastModifiedTime"}`
    #: for transform jobs, with the lifecycle's `modified_key` the same field).
    undescribed: Mapping[str, str] = field(default_factory=dict)
    #: Request member -> the resource kind it names, which must exist ("model" for ModelName).
    references: Mapping[str, str] = field(default_factory=dict)
    rules: Sequence[Rule] = ()
    #: Rule-like sentences of the model's documentation not enforced, fragment -> reason. A fragment
    #: that is a dotted path (`CreateAlgorithm.ValidationSpecification`) waives all under that member.
    waivers: Mapping[str, str] = field(default_factory=dict)
    #: Sentences of older botocore models (down to the oldest supported) that the reference model no
    #: longer states, fragment -> what the newer text says instead. They are judged as waivers under
    #: an older model; under the reference model each must match nothing (tests/test_rule_ledger.py).
    superseded: Mapping[str, str] = field(default_factory=dict)
    #: Update members whose shape holds only what changes (GitConfigForUpdate: the secret alone),
    #: merged into the structure Describe answers instead of replacing it.
    merged_updates: tuple[str, ...] = ()
    #: Members AWS computes on create, on update.
    on_create: Hook | None = None
    on_update: Hook | None = None
    #: Operation -> {input member: why it is accepted and ignored} (the member ledger).
    ignores: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: A Create request that succeeds in an empty store plus `example_needs` (contract tests, fuzz).
    example: Mapping[str, Any] = field(default_factory=dict)
    #: Requests (operation, params) that make what the example refers to.
    example_needs: Sequence[tuple[str, Mapping[str, Any]]] = ()
    #: Example members (dotted paths, through a list's every item) that must differ from one resource
    #: to the next as the name does, since AWS refuses a second resource with the same (an in-cluster
    #: inference gateway belongs to one global inference gateway: `Gateways.Name`): `renamed` makes
    #: them from the name.
    follows_name: tuple[str, ...] = ()
    #: Members a List request requires beyond the scope, that list what the example made
    #: (ListModelMonitorConfigs' TargetType and TargetName: the configurations of one target).
    list_example: Mapping[str, Any] = field(default_factory=dict)
    #: Create members Describe returns under the same name that AWS does not echo.
    not_echoed: tuple[str, ...] = ()
    #: AWS's words for an operation the resource's status does not accept: (trigger, status,
    #: accepted statuses) -> the error, where they are not the engine's (`_refused`).
    refusal: Callable[[str, str, tuple[str, ...]], ServiceError] | None = None
    #: Brings up to date what AWS does on its own between requests (a schedule's executions fall
    #: due), before every generated operation of the resource: (backend, request, context).
    prepare: Callable[[Any, Params, Context], None] | None = None
    #: Request members that, before the identifier, make up the resource's key and ARN path, where
    #: the read operation requires more than the identifier (a user profile is `DomainId` +
    #: `UserProfileName`: `user-profile/d-.../name`). A member a request leaves out is skipped (an
    #: app belongs to a user profile or a space: `app/d-.../<owner>/<AppType>/<AppName>`).
    scope: tuple[str, ...] = ()
    #: Makes the identifier of a resource whose Create request takes none (a domain's `d-` id),
    #: from the request and context; Create answers it. Such a resource has no duplicate names to refuse.
    generated: Callable[[Params, Context], str] | None = None
    #: The Create member that names a resource whose read operations do not take it: one whose
    #: identifier is generated (`DomainName`), or, without `generated=`, one they read by its ARN or by
    #: its name or ARN (a leaderboard's `Name`, read by `Arn`; a model monitor config's
    #: `ModelMonitorConfigName`, read by `ModelMonitorConfigNameOrArn`): the key is then this member's
    #: value, and the read operations' identifier is found as the table finds a name or an ARN. What
    #: the contract tests and the fuzz world vary to make several.
    named_by: str | None = None
    #: The read operations' identifier may also be the `named_by` name of a resource whose identifier
    #: is generated (GlobalInferenceGateway's `Identifier`: "The name, Amazon Resource Name (ARN), or
    #: ID"): a value that is no key or ARN held is looked up by name, and Create refuses a name in use
    #: (`duplicate`). The name must not take the form of a generated key (a rule of the declaration).
    found_by_name: bool = False
    #: The List's default page size where its documentation states one the engine does not read
    #: (ListLeaderboards' MaxResults: "The default is 20"); 10 otherwise.
    default_max: int | None = None
    #: Statuses in which a resource's key may be taken again by a Create (an app `Deleted` is listed
    #: for a while, and a new app of the same name replaces it).
    reusable: tuple[str, ...] = ()
    #: The member of the Describe answer that holds the resource, where Describe answers it inside
    #: one (`{"Workforce": {...}}`; DescribeTrainingSession's `TrainingSessionDetail`): everything the
    #: engine reads from a Describe answer is read from that structure, and an Update answer that has
    #: the member answers the resource in it.
    wrapped: str | None = None
    #: What the resource's id (its key, and its ARN's last part) holds before the name: a private
    #: work team is `workteam/private-crowd/<name>`, named `<name>` in requests.
    id_prefix: str = ""
    #: The most resources of the noun an account holds in a region, where a rule refuses more (one
    #: workforce a region): the contract tests and the benchmark make no more.
    most: int | None = None
    #: False for a declaration only looked at (`sagemock derive`), which answers no request.
    registered: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        if not self.registered:
            return
        if not self.in_model:  # newer than the installed model (botocore 1.35 has no MLflow apps)
            NEWER[self.noun] = self
            return
        if self.noun in RESOURCES:
            raise RuntimeError(f"{self.noun} is declared twice")
        RESOURCES[self.noun] = self

    def table(self, *, taggable: bool = True) -> TableSpec:
        """The family's table of this resource (a class attribute; see `core.table`).

        Its kind and members are only known once the model is read, so the spec reads them from
        the binding; the kind must be known now, for the index of kinds (declare `kind=` where
        the ARN pattern would give it: it is checked against the pattern when bound)."""
        if self.kind is None:
            raise BindingError(f"declare kind= for {self.noun}: a table's kind is needed before the model is read")
        spec = TableSpec(self.kind, "", "", self.missing, self.lifecycle, taggable, resource=self)
        lifecycle, kind = self.lifecycle, self.kind
        if lifecycle is not None and lifecycle.on_gone is None:
            # A path that ends in GONE (a delete) takes the document out of its table.
            lifecycle.on_gone = lambda document, _status, store, _now: store.table(kind).remove(document)
        return spec

    def candidate_operations(self) -> list[str]:
        """The operations the engine may answer for this noun, named without the model (snake_case)."""
        names = [f"{verb}{self.noun}" for verb in VERBS if verb != "List"]
        names.append(self.list_operation or f"List{self.noun}s")
        return [xform_name(name) for name in names]

    @functools.cached_property
    def bound(self) -> Bound:
        return Bound.of(self)

    def fitted_name(self, name: str) -> str:
        """`name` as Create takes it: without hyphens where the naming member's pattern admits none
        (a partner app's `Name` is `[a-zA-Z0-9]+`), so names made from the example (`<example>-a`
        in the contract tests, `<example>-000123` in the benchmark) fit every resource."""
        from .patterns import matcher

        bound = self.bound
        member = service.operation(bound.operations["Create"]).input_shape.members[self.named_by or bound.name]
        fits = matcher(member.metadata.get("pattern") or ".*")
        return name if fits is None or fits(name) else name.replace("-", "")

    def renamed(self, request: Mapping[str, Any], name: str) -> dict[str, Any]:
        """`request` (the example, resolved) naming another resource `name` (`fitted_name`), with
        the members that follow the name (`follows_name`) made from it: how the contract tests, the
        fuzz world and the benchmark make several resources from one example."""
        renamed = dict(request)
        fitted = renamed[self.named_by or self.bound.name] = self.fitted_name(name)
        for path in self.follows_name:
            renamed = _with(renamed, path.split("."), fitted)
        return renamed

    @property
    def in_model(self) -> bool:
        """Whether the installed botocore model has the resource (its Describe or Get operation): one
        newer than the model is filed in NEWER, not RESOURCES, and answers nothing (its requests
        cannot be made)."""
        names = service.operation_names()
        return f"Describe{self.noun}" in names or f"Get{self.noun}" in names


@dataclass
class Bound:
    """What the installed model says of a declared resource."""

    resource: Resource
    operations: dict[str, str]
    name: str
    arn: str
    kind: str
    status: str | None
    echoed: tuple[str, ...]
    described: frozenset[str]
    created: tuple[str, ...]
    listing: Listing | None
    list_member: str | None
    summary_shape: Shape | None
    list_filters: dict[str, Callable[[Document, Any], bool]]
    updated: tuple[str, ...]
    #: The structure the resource is described by: the Describe answer, or its `wrapped` member.
    described_shape: Shape
    #: The read operations' identifier is not a Create member, nor generated: Create names the
    #: resource by `named_by` (see `Resource.named_by`).
    apart: bool = False

    @classmethod
    def of(cls, resource: Resource) -> Bound:
        noun = resource.noun
        names = service.operation_names()
        operations = {verb: f"{verb}{noun}" for verb in VERBS if verb != "List" and f"{verb}{noun}" in names}
        list_name = resource.list_operation or f"List{noun}s"
        if list_name in names:
            operations["List"] = list_name
        elif resource.list_operation:
            raise BindingError(f"{noun}: the model has no {list_name}")
        read = operations.get("Describe") or operations.get("Get")
        if read is None:
            raise BindingError(f"{noun}: the model has neither Describe{noun} nor Get{noun}")
        read_input = service.operation(read).input_shape
        required = [member for member in read_input.required_members if member not in resource.scope]
        if len(required) != 1:
            raise BindingError(f"{noun}: {read} takes {required or 'no'} required members beside the scope "
                               f"{list(resource.scope)}; the engine keys a resource by one name (declare scope= for "
                               "the members that qualify it)")
        name = required[0]
        missing_scope = [member for member in resource.scope if member not in read_input.members]
        if missing_scope:
            raise BindingError(f"{noun}: {read} does not take the scope members {missing_scope}")
        described_shape = cls._described(resource, read)
        described = frozenset(described_shape.members)
        stem = name[:-len("Name")] if name.endswith("Name") else noun
        arn = next((candidate for candidate in (f"{stem}Arn", f"{noun}Arn") if candidate in described), None)
        if arn is None and name.endswith("Arn") and name in described:
            arn = name  # the ARN is the identifier (an MLflow app's `Arn`: its name need not be unique)
        if arn is None and "Arn" in described:
            arn = "Arn"  # read by an `Identifier` (a global inference gateway's name, ARN or id)
        if arn is None:
            holders = [member for member, found in described_shape.members.items() if found.type_name == "structure"
                       and any(candidate in found.members for candidate in (f"{stem}Arn", f"{noun}Arn"))]
            hint = f"; it answers the resource inside {holders[0]}: declare wrapped={holders[0]!r}" if holders else ""
            raise BindingError(f"{noun}: {read} answers neither {stem}Arn nor {noun}Arn{hint}")
        kind = cls._kind(resource, described_shape.members[arn])
        status = next((candidate for candidate in (f"{stem}Status", f"{noun}Status", "Status")
                       if candidate in described and described_shape.members[candidate].enum), None)
        lifecycle = resource.lifecycle
        if lifecycle is not None:
            if lifecycle.status_key != status:
                raise BindingError(f"{noun}: the lifecycle moves {lifecycle.status_key}, the model's status is "
                                   f"{status}")
            if lifecycle.resource_type != kind:
                raise BindingError(f"{noun}: the lifecycle is of {lifecycle.resource_type} resources, not {kind}")
            kept = lifecycle.modified_key
            if lifecycle.stamps_modified and kept not in described and kept not in resource.undescribed.values():
                raise BindingError(f"{noun}: the lifecycle stamps {kept}, which {read} does not answer; keep it "
                                   "privately (undescribed= and the lifecycle's modified_key)")
        create = operations.get("Create")
        echoed: tuple[str, ...] = ()
        created: tuple[str, ...] = ()
        if create is not None:
            create_input = service.operation(create).input_shape.members
            apart = resource.generated is None and resource.named_by is not None
            if (resource.generated is None and not apart) == (name not in create_input):
                raise BindingError(f"{noun}: {create} " + ("does not take" if name not in create_input else "takes") +
                                   f" {name}; declare generated= exactly for an identifier SageMaker makes, or "
                                   f"named_by= for the {create} member that names a resource read by its ARN (or "
                                   "name or ARN)")
            if resource.named_by is not None and resource.named_by not in create_input:
                raise BindingError(f"{noun}: {create} does not take {resource.named_by} (named_by=)")
            exclude = (name, "Tags", *resource.not_echoed)
            echoed = service.echoed_members(create, read, exclude, within=resource.wrapped)
            output = service.operation(create).output_shape
            created = tuple(output.members) if output is not None else ()
        updated: tuple[str, ...] = ()
        if "Update" in operations:
            members = service.operation(operations["Update"]).input_shape.members
            updated = tuple(member for member in members if member != name and member not in resource.scope
                            and member in described)
        for member in resource.merged_updates:
            if member not in updated:
                raise BindingError(f"{noun}: merged_updates names {member}, which Update{noun} does not set")
        listing, list_member, summary_shape, filters = cls._list(resource, operations.get("List"), name, arn,
                                                                  status, described)
        bound = cls(resource, operations, name, arn, kind, status, echoed, described, created, listing, list_member,
                    summary_shape, filters, updated, described_shape,
                    resource.generated is None and resource.named_by is not None)
        if resource.found_by_name and (resource.generated is None or resource.named_by is None):
            raise BindingError(f"{noun}: found_by_name= needs generated= and named_by= (a name beside a generated id)")
        for rule_member, _kind in resource.references.items():
            if create is None or rule_member not in service.operation(create).input_shape.members:
                raise BindingError(f"{noun}: references name {rule_member}, which Create{noun} does not take")
        for rule in resource.rules:
            for verb in rule.on if rule.refuses else ():
                operation = operations.get(verb.capitalize())
                missing = [path for path in rule.refuses
                           if operation is None or not _has_member(service.operation(operation).input_shape, path)]
                if missing:
                    raise BindingError(f"{noun}: a rule refuses {', '.join(missing)}, which {operation or verb} does "
                                       "not take")
        return bound

    @staticmethod
    def _described(resource: Resource, read: str) -> Shape:
        """The structure that describes the resource: the read operation's answer, or the member of
        it the declaration names (`wrapped=`), which must be a structure the answer has."""
        answer = service.operation(read).output_shape
        if resource.wrapped is None:
            return answer
        found = answer.members.get(resource.wrapped)
        if found is None or found.type_name != "structure":
            raise BindingError(f"{resource.noun}: declared wrapped={resource.wrapped!r}, but {read} answers no "
                               f"structure of that name (it answers {', '.join(answer.members) or 'nothing'})")
        return found

    @staticmethod
    def _kind(resource: Resource, arn_shape: Shape) -> str:
        found = _TYPE_IN_PATTERN.search(arn_shape.metadata.get("pattern", ""))
        derived = found.group(1) if found else None
        if resource.kind is not None and derived is not None and derived != resource.kind:
            raise BindingError(f"{resource.noun}: declared kind {resource.kind!r}, the ARN pattern says {derived!r}")
        kind = resource.kind or derived
        if kind is None:
            raise BindingError(f"{resource.noun}: the ARN pattern names no resource type; declare kind=")
        return kind

    @staticmethod
    def _list(resource: Resource, operation: str | None, name: str, arn: str, status: str | None,
              described: frozenset[str]) -> tuple[Listing | None, str | None, Shape | None,
                                                  dict[str, Callable[[Document, Any], bool]]]:
        if operation is None:
            return None, None, None, {}
        model = service.operation(operation)
        lists = [member for member, found in model.output_shape.members.items() if found.type_name == "list"]
        if len(lists) != 1:
            raise BindingError(f"{operation} answers {len(lists)} lists; the engine pages one")
        summary_shape = model.output_shape.members[lists[0]].member
        unknown = [member for member in summary_shape.members
                   if member not in described and member not in resource.summary and member not in resource.undescribed]
        if unknown:
            raise BindingError(f"{operation}: summary members {unknown} are not in the Describe answer; declare "
                               "summary= (or undescribed=) for them")
        inputs = model.input_shape.members
        sort_keys: dict[str, str] = {}
        # A resource whose identifier SageMaker generates is named by the Create member `named_by`
        # (a compute quota's `Name`): what NameContains and SortBy Name look at.
        named = resource.named_by or name
        if "SortBy" in inputs:
            for value in inputs["SortBy"].enum:
                member = resource.sort_members.get(value) or {"Name": named, "Status": status}.get(value) or value
                member = resource.undescribed.get(member, member)
                private = member.startswith("_") or member in resource.undescribed.values()
                if member not in described and not private:
                    raise BindingError(f"{operation}: SortBy {value} names no member of the Describe answer; "
                                       "declare sort_members=")
                sort_keys[value] = member
        else:  # (ListModelMonitorConfigs keeps its creation time as `CreatedAt`: sort_members=)
            sort_keys["CreationTime"] = resource.sort_members.get("CreationTime", "CreationTime")
        default_sort, default_order = _documented_defaults(inputs) if resource.default_sort is None else \
            resource.default_sort
        if default_sort is None or default_order is None:
            raise BindingError(f"{operation}: the documentation states no default SortBy/SortOrder; declare "
                               "default_sort=")
        if default_sort not in sort_keys:
            raise BindingError(f"{operation}: the default SortBy {default_sort} is not one of {sorted(sort_keys)}")
        filters: dict[str, Callable[[Document, Any], bool]] = {}
        for member in inputs:
            if member in _PAGING or member in _TIME_FILTERS or member in ("NameContains", "StatusEquals"):
                continue
            if member in resource.filters:
                filters[member] = resource.filters[member]
            elif member in described:
                filters[member] = functools.partial(_equals, member)
            elif member.endswith("Equals") and member[:-len("Equals")] in described:
                filters[member] = functools.partial(_equals, member[:-len("Equals")])
            elif member.endswith("Contains") and member[:-len("Contains")] in described:
                filters[member] = functools.partial(_contains, member[:-len("Contains")])
            elif member not in resource.ignores.get(operation, {}):
                raise BindingError(f"{operation}: the filter {member} names no member of the Describe answer; "
                                   "declare filters= (or ignores=)")
        listing = Listing(sort_keys=sort_keys, default_sort=default_sort, id_key=arn,
                          default_order=default_order, name_key=named,
                          default_max=resource.default_max or service.documented_page_size(operation) or 10,
                          status_key=status if "StatusEquals" in inputs else None,
                          time_keys=dict(resource.undescribed), inclusive_after=resource.inclusive_after)
        return listing, lists[0], summary_shape, filters

    # -- what the generated operations do ---------------------------------------------------------

    def ident(self, params: Mapping[str, Any]) -> str:
        """The resource's key, as its ARN ends: the scope members a request gives, then the name
        (`d-abc/alice` for a user profile; just the name where there is no scope), after the
        declared `id_prefix` (`private-crowd/labelers` for a work team)."""
        scope, prefix = self.resource.scope, self.resource.id_prefix
        if not scope:
            return prefix + str(params[self.name])
        return prefix + "/".join(str(params[member]) for member in (*scope, self.name)
                                 if params.get(member) is not None)

    def unwrap(self, answer: Mapping[str, Any]) -> Any:
        """The resource's document in a Describe answer (inside its `wrapped` member, if declared)."""
        wrapper = self.resource.wrapped
        return answer if wrapper is None else answer[wrapper]

    def answer(self, operation: str, document: Document) -> Document:
        """An operation's answer from the resource's document: the members its output shape has,
        and the whole document in the member that wraps it (UpdateWorkforce answers `Workforce`)."""
        output = service.operation(operation).output_shape
        wrapper = self.resource.wrapped
        return {member: document if member == wrapper else document.get(member)
                for member in (output.members if output is not None else ())}

    def created_key(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        """The key of a resource whose identifier SageMaker generates, from its Create answer: the
        identifier, or (where an older model's answer lacks it, as botocore 1.35's CreateDomain
        lacks DomainId) the last segment of the answered ARN."""
        if self.name in answer:
            return {self.name: answer[self.name]}
        return {self.name: str(answer[self.arn]).rsplit("/", 1)[-1]}

    @property
    def key_member(self) -> str:
        """The document member that holds what Create names the resource by: the identifier; the
        `named_by` member where the reads take another (a leaderboard's `Name`); the id member where
        the identifier is generated and Describe does not answer it (a global inference gateway's
        `Id`, read by `Identifier`)."""
        named_by = self.resource.named_by
        if self.apart and named_by is not None:
            return named_by
        if self.name in self.described or self.resource.generated is None:
            return self.name
        return next((member for member in (f"{self.resource.noun}Id", "Id") if member in self.described), self.name)

    def made_key(self, params: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
        """The members that name what a Create request (`params`) made to the read operation: from
        its answer where SageMaker generates the identifier or the read operations take another
        member than Create's (`created_key`), else from the request."""
        if self.resource.generated is not None or self.apart:
            return self.created_key(answer)
        return self.key_params(params)

    def list_request(self, example: Mapping[str, Any]) -> dict[str, Any]:
        """The members of a List request that lists what `example` made: the scope members the
        List requires (ListJobs' JobCategory), and `list_example`."""
        assert "List" in self.operations
        required = service.operation(self.operations["List"]).input_shape.required_members
        return {**{member: example[member] for member in self.resource.scope if member in required},
                **self.resource.list_example}

    def key_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The members of a request (or document) that name the resource to the read operation."""
        return {member: params[member] for member in (*self.resource.scope, self.name)
                if params.get(member) is not None}

    def summarize(self, document: Document) -> Document:
        assert self.summary_shape is not None
        summary = shape.project(document, self.summary_shape)
        for member, compute in self.resource.summary.items():
            summary[member] = document.get(compute) if isinstance(compute, str) else compute(document)
        for member, kept in self.resource.undescribed.items():
            if kept in document and member in self.summary_shape.members:
                summary[member] = document[kept]
        return summary

    @property
    def summary_name(self) -> str:
        """The summary member that holds the resource's name (the identifier's, unless a List renames it)."""
        renamed = [member for member, given in self.resource.summary.items() if given == self.name]
        return renamed[0] if renamed else self.name


def _flipped(test: Callable[[Document, Any], bool], value: Any, document: Document) -> bool:
    """A List filter's test of (document, value), as a test of the document alone."""
    return test(document, value)


def _equals(member: str, document: Document, value: Any) -> bool:
    return bool(document.get(member) == value)


def _contains(member: str, document: Document, value: Any) -> bool:
    """`<Member>Contains`: the member holds the text, in any case, as `NameContains` is matched."""
    return str(value).lower() in str(document.get(member) or "").lower()


def _documented_defaults(inputs: Mapping[str, Shape]) -> tuple[str | None, str | None]:
    """The SortBy and SortOrder defaults List documentation states ("The default is CreationTime")."""
    found: list[str | None] = []
    for member in ("SortBy", "SortOrder"):
        text = inputs[member].documentation if member in inputs else ""
        match = _DEFAULT.search(text or "")
        value = match.group(1) if match else None
        found.append(value if value is not None and value in inputs[member].enum else None)
    return found[0], found[1]


# -- the generated operations ---------------------------------------------------------------------

def checks_beyond_shapes(resource: Resource, verb: str) -> bool:
    """Whether a generated operation enforces rules of its own beyond the input shape's
    constraints and the mechanics every declared resource shares (names, ARNs, tags, paging):
    Create with rules, references or a hook; Update with a hook, references, a status guard or
    rules declared for it; Delete, Stop and Start with a status guard or rules declared for them
    (`Rule.on`). docs/coverage.md reports it per operation."""
    lifecycle = resource.lifecycle
    guarded = lifecycle is not None and verb in lifecycle.accepts
    ruled = any(verb in rule.on for rule in resource.rules)
    if verb == "create":
        return bool(resource.rules or resource.references or resource.on_create)
    if verb == "update":
        return bool(resource.on_update or resource.references or guarded or ruled)
    return verb in ("delete", "stop", "start") and (guarded or ruled)


def generated_methods(resource: Resource, attribute: str) -> dict[str, Callable[..., Any]]:
    """snake_case operation name -> a backend method answering it from the declaration, for every
    verb the engine knows; those the installed model lacks are never called."""
    noun = xform_name(resource.noun)
    list_name = xform_name(resource.list_operation or f"List{resource.noun}s")
    engine = _Engine(resource, attribute)
    methods: dict[str, Callable[..., Any]] = {
        f"create_{noun}": engine.create,
        f"describe_{noun}": engine.describe,
        f"get_{noun}": engine.describe,
        list_name: engine.list,
        f"update_{noun}": engine.update,
        f"delete_{noun}": engine.delete,
        f"stop_{noun}": functools.partial(engine.trigger, "stop"),
        f"start_{noun}": functools.partial(engine.trigger, "start"),
    }
    return methods


class _Engine:
    """The generated operations of one declared resource (bound lazily, on first use)."""

    def __init__(self, resource: Resource, attribute: str):
        self.resource = resource
        self.attribute = attribute

    def _table(self, backend: Any) -> Any:
        return getattr(backend, self.attribute)

    def _find(self, table: Any, ctx: Context, identifier: str) -> Document | None:
        """The resource a request's identifier names: by key or ARN, or by name where the resource
        is `found_by_name`."""
        document = table.find(ctx, identifier)
        if document is None and self.resource.found_by_name and not arns.is_arn(identifier):
            document = table.find_named(ctx, self.resource.named_by, identifier)
        return document  # type: ignore[no-any-return]

    def _require(self, backend: Any, params: Params, ctx: Context) -> Document:
        table, identifier = self._table(backend), self.resource.bound.ident(params)
        if not self.resource.found_by_name:
            return table.require(ctx, identifier)  # type: ignore[no-any-return]
        document = self._find(table, ctx, identifier)
        if document is None:
            raise self.resource.missing(identifier)
        return document

    def _prepare(self, backend: Any, params: Params, ctx: Context) -> None:
        if self.resource.prepare is not None:
            self.resource.prepare(backend, params, ctx)

    def _check(self, operation: str, params: Params, ctx: Context) -> None:
        """The rules AWS states for this operation, each raising what AWS answers."""
        for rule in self.resource.rules:
            if operation in rule.on:
                rule.check(params, ctx)

    def _refuse(self, trigger: str, done: str) -> Callable[[str, tuple[str, ...]], ServiceError]:
        custom = self.resource.refusal
        if custom is None:
            return _refused(self.resource.noun, done)
        return lambda status, accepted: custom(trigger, status, accepted)

    def create(self, backend: Any, params: Params, ctx: Context) -> Document:
        bound, resource = self.resource.bound, self.resource
        self._prepare(backend, params, ctx)
        table = self._table(backend)
        generated = resource.generated
        # The member naming the resource: its identifier, or `named_by` where the reads take another.
        naming = (resource.named_by or bound.name) if bound.apart else bound.name
        key = bound.ident({**params, bound.name: params[naming]}) if generated is None else ""
        existing = table.find(ctx, key) if generated is None else None
        if existing is not None and existing.get(bound.status or "") not in resource.reusable:
            raise resource.duplicate(existing[bound.arn])
        if resource.found_by_name:  # a name beside a generated id: unique all the same
            taken = table.find_named(ctx, resource.named_by, params[resource.named_by or naming])
            if taken is not None:
                raise resource.duplicate(taken[bound.arn])
        tags.check(params.get("Tags"))
        for member, kind in resource.references.items():
            if params.get(member) is not None:
                ctx.store.table(kind).require(ctx, params[member])
        self._check("create", params, ctx)
        if generated is not None:
            name = key = generated(params, ctx)
        else:
            name = params[naming]
        if existing is not None:  # a key taken again from a status that frees it
            table.remove(existing)
        arn = ctx.arn(bound.kind, key)
        document: Document = {member: params[member] for member in bound.echoed if member in params}
        for member in resource.scope:
            if params.get(member) is not None and member in bound.described:
                document[member] = params[member]
        document[bound.key_member] = name
        document[bound.arn] = arn
        for stamp in ("CreationTime", "LastModifiedTime"):
            if stamp in bound.described:
                document[stamp] = ctx.now
            elif stamp in resource.undescribed:
                document[resource.undescribed[stamp]] = ctx.now
        for who in ("CreatedBy", "LastModifiedBy"):
            if who in bound.described:
                document[who] = ctx.user_for(bound.kind)
        if resource.on_create is not None:
            resource.on_create(document, params, ctx)
        table.add(document, params.get("Tags"))
        if resource.lifecycle is not None:
            resource.lifecycle.begin(document, "create", ctx)
        # A member Create answers and Describe does not (CreateGlobalInferenceGateway's Gateways) is
        # what the request gave.
        return {member: document.get(member) if member in bound.described else params.get(member)
                for member in bound.created}

    def describe(self, backend: Any, params: Params, ctx: Context) -> Document:
        bound = self.resource.bound
        self._prepare(backend, params, ctx)
        document: Document = self._require(backend, params, ctx)
        if "Tags" in bound.described:  # a Describe that answers the resource's tags with it
            found = ctx.store.tags.get(document[bound.arn])
            if found:
                document = {**document, "Tags": [{"Key": key, "Value": value} for key, value in found.items()]}
        return document if self.resource.wrapped is None else {self.resource.wrapped: document}

    def list(self, backend: Any, params: Params, ctx: Context) -> Document:
        bound = self.resource.bound
        assert bound.listing is not None and bound.list_member is not None
        self._prepare(backend, params, ctx)
        self._check("list", params, ctx)
        where = [functools.partial(_flipped, test, value) for member, test in bound.list_filters.items()
                 if (value := params.get(member)) is not None]
        page, token = bound.listing.walk(self._table(backend), ctx, params, where)
        return {bound.list_member: [bound.summarize(document) for document in page], "NextToken": token}

    def update(self, backend: Any, params: Params, ctx: Context) -> Document:
        bound, resource = self.resource.bound, self.resource
        self._prepare(backend, params, ctx)
        document = self._require(backend, params, ctx)
        lifecycle = resource.lifecycle
        if lifecycle is not None and "update" in lifecycle.accepts:
            lifecycle.guard(document, "update", self._refuse("update", "updated"))
        self._check("update", params, ctx)
        for member, kind in resource.references.items():
            if params.get(member) is not None:
                ctx.store.table(kind).require(ctx, params[member])
        for member in bound.updated:
            if member in params:
                merged = member in resource.merged_updates
                document[member] = {**document.get(member, {}), **params[member]} if merged else params[member]
        if "LastModifiedTime" in bound.described:
            document["LastModifiedTime"] = ctx.now
        elif "LastModifiedTime" in resource.undescribed:
            document[resource.undescribed["LastModifiedTime"]] = ctx.now
        if "LastModifiedBy" in bound.described:
            document["LastModifiedBy"] = ctx.user_for(bound.kind)
        if resource.on_update is not None:
            resource.on_update(document, params, ctx)
        if lifecycle is not None and "update" in lifecycle.paths:
            lifecycle.begin(document, "update", ctx)
        return bound.answer(bound.operations["Update"], document)

    def delete(self, backend: Any, params: Params, ctx: Context) -> Document:
        bound, lifecycle = self.resource.bound, self.resource.lifecycle
        self._prepare(backend, params, ctx)
        table = self._table(backend)
        document = self._require(backend, params, ctx)
        if lifecycle is not None and "delete" in lifecycle.accepts:
            lifecycle.guard(document, "delete", self._refuse("delete", "deleted"))
        self._check("delete", params, ctx)
        if lifecycle is not None and "delete" in lifecycle.paths:
            lifecycle.begin(document, "delete", ctx)
        else:
            table.remove(document)
        return bound.answer(bound.operations["Delete"], document)

    def trigger(self, trigger: str, backend: Any, params: Params, ctx: Context) -> Document:
        bound, lifecycle = self.resource.bound, self.resource.lifecycle
        if lifecycle is None or trigger not in lifecycle.paths:
            raise BindingError(f"{self.resource.noun}: {trigger} needs a lifecycle path of that name")
        self._prepare(backend, params, ctx)
        document = self._require(backend, params, ctx)
        if trigger in lifecycle.accepts:
            lifecycle.guard(document, trigger, self._refuse(trigger, trigger + "ped" if trigger == "stop"
                                                            else trigger + "ed"))
        lifecycle.begin(document, trigger, ctx)
        return bound.answer(bound.operations[trigger.capitalize()], document)


def _refused(noun: str, done: str) -> Callable[[str, tuple[str, ...]], ServiceError]:
    """The refusal of an operation the resource's status does not accept, in AWS's words for jobs
    ("The request was rejected because the training job is in status Completed."). A refused
    Delete is ResourceInUse, the error Delete operations declare for a resource still at work
    (ValidationException where the operation declares none); the others are ValidationException."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", noun).lower()

    def refuse(status: str, accepted: tuple[str, ...]) -> ServiceError:
        message = f"The request was rejected because the {words} is in status {status}"
        if done == "deleted":
            return ResourceInUse(f"{message}: only a {words} that is {' or '.join(accepted)} can be deleted.")
        return ValidationError(message + ".")

    return refuse


def not_found(message: str) -> Callable[[str], ServiceError]:
    """A missing-resource error factory: ResourceNotFound (ValidationException where the operation
    declares no such error) with `message`, which may name the `{arn}`."""
    return lambda arn: ResourceNotFound(message.format(arn=arn))


def in_use(message: str) -> Callable[[str], ServiceError]:
    """A name-in-use error factory: ResourceInUse (ValidationException where undeclared)."""
    return lambda arn: ResourceInUse(message.format(arn=arn))


def invalid(message: str) -> Callable[[str], ServiceError]:
    """A ValidationException factory whose message may name the `{arn}`."""
    return lambda arn: ValidationError(message.format(arn=arn))


def describe_binding(bound: Bound) -> str:
    """What the model gives a declared resource, as `sagemock derive` prints it."""
    lines = [f"{bound.resource.noun}: kind {bound.kind}, identifier {bound.name}, ARN member {bound.arn}"]
    lines.append("operations: " + ", ".join(f"{verb} -> {name}" for verb, name in bound.operations.items()))
    if bound.resource.wrapped is not None:
        lines.append(f"described inside: {bound.resource.wrapped} ({bound.described_shape.name})")
    if bound.status is not None:
        statuses = bound.described_shape.members[bound.status].enum
        lines.append(f"status: {bound.status} ({', '.join(statuses)})")
    lines.append("echoed from Create: " + (", ".join(bound.echoed) or "none"))
    lines.append("Create answers: " + (", ".join(bound.created) or "nothing"))
    if bound.listing is not None:
        listing = bound.listing
        filters = ["NameContains", *(["StatusEquals"] if listing.status_key else []), *bound.list_filters]
        summary = bound.summary_shape.name if bound.summary_shape is not None else "?"
        lines.append(f"List: {bound.list_member} of {summary}; sort {dict(listing.sort_keys)}, default "
                     f"{listing.default_sort} {listing.default_order}; filters {', '.join(filters)}")
    lines.append("Update sets: " + (", ".join(bound.updated) or "nothing"))
    return "\n".join(lines) + "\n"


_RULE_WORDS = re.compile(r"\b(must|cannot|can't|can not|can only|only one|exactly one|no more than|only if|"
                         r"only when|required (?:if|when)|mutually exclusive|at most|at least|not both|"
                         r"either .+? or)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def rule_sentences(bound: Bound) -> list[tuple[str, str]]:
    """The rule-like sentences the model's documentation states for a declared resource's
    operations: (where, sentence), from each operation's documentation and each input member's.

    The rule ledger (tests/test_rule_ledger.py) requires each to be claimed by a `Rule` of the
    declaration or waived with a reason, so a rule AWS states in prose is never silently skipped,
    and a newer botocore that states a new one fails CI until it is looked at."""
    texts: list[tuple[str, str]] = []
    seen: set[str] = set()

    def walk(node: Shape, where: str) -> None:
        if node.name in seen:  # each shape once: shared shapes state their rules once
            return
        seen.add(node.name)
        if node.type_name == "structure":
            for name, member in node.members.items():
                texts.append((f"{where}.{name}", member.documentation or ""))
                walk(member, f"{where}.{name}")
        elif node.type_name == "list":
            walk(node.member, where)
        elif node.type_name == "map":
            walk(node.value, where)

    for operation in bound.operations.values():
        model = service.operation(operation)
        texts.append((operation, model.documentation or ""))
        if model.input_shape is not None:
            walk(model.input_shape, operation)
    found: list[tuple[str, str]] = []
    for where, text in texts:
        plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
        for sentence in _SENTENCE.split(plain):
            if _RULE_WORDS.search(sentence):
                found.append((where, sentence.strip()))
    return found


#: Rule-like sentences every resource meets, and why none of them is a rule of sagemock's: they
#: concern what sagemock does not model (IAM, KMS, S3 and ECR contents, regions), or are the core's
#: (tags). Fragment -> reason.
SHARED_WAIVERS: dict[str, str] = {
    "iam:PassRole": "IAM permissions are not modelled: every caller may do everything",
    "KMS key policy must grant": "KMS is not modelled: keys are kept as given, never used",
    "KmsKeyId can be any of the following formats": "KMS is not modelled: any key id the model's pattern admits "
                                                    "is kept",
    "must be in the same region as": "S3 and ECR are not read: a location's region is not known",
    "must be in an S3 bucket that is in the same region": "S3 is not read: a bucket's region is not known",
    "bucket must be located in same": "S3 is not read: a bucket's region is not known",
    "must be readable by the IAM role": "IAM and S3 are not modelled",
    "must point to a single gzip compressed tar archive": "S3 objects are not read",
    "inference code must meet SageMaker requirements": "container images are not run",
    "Tag keys must be unique per resource": "core.tags.check enforces it for every resource (AWS's words: "
                                            "'Duplicate tag key')",
    "must be explicitly defined as True in order to accept the EULA": "models are not downloaded: nothing asks for "
                                                                      "the EULA",
    "must provision the ML storage volume with sufficient capacity": "no data is downloaded",
    "identifies either a key name prefix or a manifest": "describes the value; S3 is not read",
    "precludes users from specifying a manifest": "S3 manifests are not read",
    "stop incurring charges": "nothing is charged",
}


def unclaimed(resource: Resource) -> list[tuple[str, str]]:
    """The rule-like sentences of `rule_sentences` that no rule claims and no waiver covers."""
    fragments = [claim for rule in resource.rules for claim in rule.claims] + list(resource.waivers) + \
        list(resource.superseded) + list(SHARED_WAIVERS)
    # A fragment that is a dotted path with no space waives everything documented under it.
    paths = [fragment for fragment in fragments if "." in fragment and " " not in fragment]
    return [(where, sentence) for where, sentence in rule_sentences(resource.bound)
            if not any(fragment in sentence for fragment in fragments)
            and not any(where == path or where.startswith(path + ".") for path in paths)]
