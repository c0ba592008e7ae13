"""Contract tests generated from every declared resource (`sagemock.core.resource`).

Each declaration carries an example Create request (and the requests that make what it refers to).
From it, every declared resource is checked the same way, through boto3 with strict output shaping:

* the declaration binds against the installed model (the engine refuses to guess);
* Create then Describe: every member the request gave comes back as given, the ARN is the one
  Create answered, and the time stamps are the clock's;
* List: the resource is listed with its summary, every filter and sort the model offers runs,
  and botocore's paginator walks one item a page to the same list;
* a second Create of the name is refused with the error AWS answers, a Describe of a missing name
  with the missing error, both with codes the operations may answer, and neither changes anything;
* tags given on Create are listed;
* each lifecycle path runs: `fail_next` takes the failure path, `mock.set_status` puts the
  resource in every status, and botocore's waiters for the resource reach their success and
  failure acceptors;
* Stop, Start and Delete where the model has them; Delete leaves nothing to describe.

Each family still has hand-written tests for its own rules and its cross-resource behaviour.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import threading
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError, WaiterError
from freezegun import freeze_time

from sagemock import mock_sagemaker
from sagemock.core import arns, backend, service, shape
from sagemock.core.lifecycle import GONE
from sagemock.core.patterns import matcher
from sagemock.core.resource import RESOURCES, Resource, resolve
from tests.model_support import fitted_name

backend.load_all()
DECLARED = sorted(RESOURCES)
ACCOUNT, REGION = "123456789012", "us-east-1"


def resource(noun: str) -> Resource:
    return RESOURCES[noun]


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    answer = getattr(client, xform_name(operation))(**copy.deepcopy(params))
    answer.pop("ResponseMetadata", None)
    return answer  # type: ignore[no-any-return]


def refused(client: Any, operation: str, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as error:
        call(client, operation, **params)
    code = error.value.response["Error"]["Code"]
    assert code in service.declared_errors(operation) | {"ValidationException"}, (operation, code)
    return code, error.value.response["Error"]["Message"]


def prepare(client: Any, declared: Resource) -> dict[str, dict[str, Any]]:
    """Make what the example refers to; the answers, by operation, for the example's `Answer`s."""
    answers: dict[str, dict[str, Any]] = {}
    for operation, params in declared.example_needs:
        answers[operation] = call(client, operation, **resolve(params, answers))
    return answers


def example(declared: Resource, answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return resolve(copy.deepcopy(dict(declared.example)), answers)  # type: ignore[no-any-return]


def naming(declared: Resource) -> str:
    """The Create member that names the resource (its identifier, unless SageMaker makes that)."""
    return declared.named_by or declared.bound.name


def listed_name(declared: Resource) -> str:
    """The summary member holding what `naming` sets."""
    return declared.named_by or declared.bound.summary_name


def listed_names(declared: Resource, summaries: list[dict[str, Any]]) -> list[str]:
    """What `naming` set, for each summary: its name member, or where the summary has none
    (ListTrainingSessions' lists ARNs and statuses) the name its ARN ends in."""
    named = listed_name(declared)
    return [summary[named] if named in summary else str(summary[declared.bound.arn]).rsplit("/", 1)[-1]
            for summary in summaries]


def create(client: Any, declared: Resource, answers: dict[str, dict[str, Any]], name: str | None = None,
           **extra: Any) -> dict[str, Any]:
    """Create from the example (named `name`); the members that name the new resource to Describe."""
    bound = declared.bound
    params = {**example(declared, answers), **extra}
    if name is not None:
        params = declared.renamed(params, name)
    answer = call(client, bound.operations["Create"], **params)
    return bound.made_key(params, answer)


def describe(client: Any, declared: Resource, key: dict[str, Any]) -> dict[str, Any]:
    """The resource as Describe answers it (inside the member that wraps it, where one does)."""
    bound = declared.bound
    return bound.unwrap(call(client, bound.operations.get("Describe") or bound.operations["Get"], **key))  # type: ignore[no-any-return]


def missing_key(declared: Resource, key: dict[str, Any]) -> dict[str, Any]:
    """The key of a resource that does not exist, beside `key`'s scope."""
    bound = declared.bound
    if declared.generated is not None:
        return {**key, bound.name: "d-nosuchdomain1"}
    read = bound.operations.get("Describe") or bound.operations["Get"]
    fits = matcher(service.operation(read).input_shape.members[bound.name].metadata.get("pattern") or ".*")
    # (An identifier that takes only an ARN, as GetLeaderboard's `Arn`, is given the ARN of the name.)
    missing = "no-such-name" if fits is None or fits("no-such-name") else \
        arns.build(REGION, ACCOUNT, bound.kind, "no-such-name")
    return {**key, bound.name: missing}


@pytest.mark.parametrize("noun", DECLARED)
def test_the_declaration_binds_and_has_an_example(noun):
    declared = resource(noun)
    bound = declared.bound
    assert "Create" in bound.operations and declared.example, f"{noun} declares no example Create request"
    assert naming(declared) in declared.example
    service.operation(bound.operations["Create"])  # the example's operation is the model's


@pytest.mark.parametrize("noun", DECLARED)
def test_create_then_describe_returns_what_was_given(noun, sagemaker_client):
    declared = resource(noun)
    bound = declared.bound
    answers = prepare(sagemaker_client, declared)
    given = example(declared, answers)
    with freeze_time("2024-06-01 12:00:00"):
        answer = call(sagemaker_client, bound.operations["Create"], **given)
        key = bound.made_key(given, answer)
        described = describe(sagemaker_client, declared, key)
    assert described[bound.arn] == answer.get(bound.arn, described[bound.arn])
    # (Where the identifier is the ARN itself, as an MLflow app's, the key is the ARN.)
    by_key = key[bound.name] if bound.name == bound.arn else arns.build(REGION, ACCOUNT, bound.kind, bound.ident(key))
    output = service.operation(bound.operations["Create"]).output_shape  # None: CreateDeviceFleet answers nothing
    pattern = output.members.get(bound.arn) if output is not None else None
    if pattern is None or re.fullmatch(pattern.metadata.get("pattern", ".*"), by_key):
        assert described[bound.arn] == by_key
    else:  # an ARN that ends in an id SageMaker generates (a HyperPod cluster's), not in the name, or
        # one the model's pattern gets wrong (an edge deployment plan's admits no digit in a region)
        assert described[bound.arn] == by_key or re.fullmatch(pattern.metadata["pattern"], described[bound.arn])
    for member in bound.echoed:
        if member in given:
            assert _same(described[member], given[member]), member
    for stamp in ("CreationTime", "LastModifiedTime"):
        if stamp in bound.described and stamp in described:
            assert described[stamp] == dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)
    if bound.status is not None and declared.lifecycle is not None:
        assert described[bound.status] == declared.lifecycle.paths["create"][-1]


def _same(answer: Any, given: Any) -> bool:
    """Whether an answer holds what was given (the service may add documented defaults)."""
    if isinstance(given, dict):
        return isinstance(answer, dict) and all(key in answer and _same(answer[key], value)
                                                for key, value in given.items())
    if isinstance(given, list):
        return isinstance(answer, list) and len(answer) == len(given) and all(map(_same, answer, given))
    return bool(answer == given)


@pytest.mark.parametrize("noun", DECLARED)
def test_lenient_shaping_answers_what_strict_shaping_answers(noun, sagemaker_client, monkeypatch):
    """Out of strict mode, scalars of their member's type go out without their member's emitter
    (`shape._compile_structure`): for every answer a declared resource gives, that is the same answer."""
    declared = resource(noun)
    bound = declared.bound
    strict_output, compared = shape.output, []

    def both(output_shape: Any, document: Any, strict: bool) -> Any:
        answer = strict_output(output_shape, document, True)
        name = output_shape.name if output_shape is not None else None
        assert strict_output(output_shape, document, False) == answer, name
        compared.append(name)
        return answer

    monkeypatch.setattr(shape, "output", both)
    answers = prepare(sagemaker_client, declared)
    key = create(sagemaker_client, declared, answers)
    describe(sagemaker_client, declared, key)
    if "List" in bound.operations:
        call(sagemaker_client, bound.operations["List"], **bound.list_request(declared.example))
    assert len(compared) >= 2 + len(declared.example_needs)


@pytest.mark.parametrize("noun", DECLARED)
def test_list_filters_sorts_and_pages(noun, sagemaker_client):
    declared = resource(noun)
    bound = declared.bound
    if "List" not in bound.operations:
        pytest.skip(f"the model has no List operation for {noun}")
    answers = prepare(sagemaker_client, declared)
    base = declared.example[naming(declared)]
    names = [fitted_name(declared, name) for name in (f"{base}-a", f"{base}-b", f"other-{base}"[:63])]
    names = names[:declared.most or len(names)]  # no more than a region holds (one workforce)
    for name in names:
        create(sagemaker_client, declared, answers, name)
    operation = bound.operations["List"]
    # A List that requires the scope (ListJobs' JobCategory) lists within the example's.
    scoped = bound.list_request(declared.example)
    listed = call(sagemaker_client, operation, **scoped)[bound.list_member]
    assert sorted(name for name in listed_names(declared, listed) if name in names) == sorted(names)
    inputs = service.operation(operation).input_shape.members
    if "NameContains" in inputs:
        # A needle the member's pattern admits (ListAppImageConfigs' and Studio's refuse a trailing hyphen).
        fits = matcher(inputs["NameContains"].metadata.get("pattern") or ".*") or bool
        needle, wanted = next((needle, wanted) for needle, wanted in ((f"{base}-", names[:2]), (f"{base}-a", names[:1]))
                              if fits(needle.upper()))
        found = call(sagemaker_client, operation, NameContains=needle.upper(), **scoped)[bound.list_member]
        assert sorted(listed_names(declared, found)) == sorted(name for name in wanted if name in names)
    orders = inputs["SortOrder"].enum if "SortOrder" in inputs else ("Ascending", "Descending")
    for sort_by in (inputs["SortBy"].enum if "SortBy" in inputs else ()):
        for order in orders:
            page = call(sagemaker_client, operation, SortBy=sort_by, SortOrder=order, **scoped)[bound.list_member]
            assert len(page) == len(listed)
    if "CreationTimeAfter" in inputs:
        future = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
        assert call(sagemaker_client, operation, CreationTimeAfter=future, **scoped)[bound.list_member] == []
    if sagemaker_client.can_paginate(xform_name(operation)):
        walked = sagemaker_client.get_paginator(xform_name(operation)).paginate(
            PaginationConfig={"PageSize": 1}, **scoped).build_full_result()[bound.list_member]
        assert walked == listed


#: Declared resources whose List documents a page size other than 10 (ListJobs: "The default value
#: is 50"), read from the installed model.
DOCUMENTED_PAGES = [noun for noun in DECLARED if "List" in resource(noun).bound.operations
                    and service.documented_page_size(resource(noun).bound.operations["List"]) not in (None, 10)]


@pytest.mark.parametrize("noun", DOCUMENTED_PAGES)
def test_a_list_without_max_results_answers_the_page_its_documentation_states(noun, sagemaker_client):
    declared = resource(noun)
    bound = declared.bound
    operation = bound.operations["List"]
    size = service.documented_page_size(operation)
    answers = prepare(sagemaker_client, declared)
    base = declared.example[naming(declared)]
    for index in range(size + 1):
        create(sagemaker_client, declared, answers, fitted_name(declared, f"{base}-{index}"))
    answer = call(sagemaker_client, operation, **bound.list_request(declared.example))
    assert len(answer[bound.list_member]) == size
    assert answer.get("NextToken")


@pytest.mark.parametrize("noun", DECLARED)
def test_duplicates_and_missing_names_are_refused_and_change_nothing(noun, sagemaker_client, sagemaker_mock):
    declared = resource(noun)
    bound = declared.bound
    answers = prepare(sagemaker_client, declared)
    key = create(sagemaker_client, declared, answers)
    before = sagemaker_mock.snapshot()
    if declared.generated is None:  # a generated identifier is never taken twice
        code, message = refused(sagemaker_client, bound.operations["Create"], **example(declared, answers))
        described = describe(sagemaker_client, declared, key)
        # The answer names the resource in use: by its ARN, or by its name where AWS's message does so.
        # (Or in AWS's own words where they name nothing: CreateAppImageConfig's "The ID or Name
        # specified is already in use.")
        name = described[naming(declared) if bound.apart else bound.name]
        assert described[bound.arn] in message or f" {name}," in message or f" {name} " in message or \
            message == declared.duplicate(described[bound.arn]).message
    read = bound.operations.get("Describe") or bound.operations["Get"]
    refused(sagemaker_client, read, **missing_key(declared, key))
    assert sagemaker_mock.snapshot() == before


@pytest.mark.parametrize("noun", DECLARED)
def test_tags_given_on_create_are_listed(noun, sagemaker_client):
    declared = resource(noun)
    bound = declared.bound
    if "Tags" not in service.operation(bound.operations["Create"]).input_shape.members:
        pytest.skip(f"Create{noun} takes no tags")
    answers = prepare(sagemaker_client, declared)
    key = create(sagemaker_client, declared, answers, Tags=[{"Key": "team", "Value": "ml"}])
    arn = describe(sagemaker_client, declared, key)[bound.arn]
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


@pytest.mark.parametrize("noun", DECLARED)
def test_every_lifecycle_path_and_waiter(noun):
    declared = resource(noun)
    bound, lifecycle = declared.bound, declared.lifecycle
    if lifecycle is None:
        pytest.skip(f"{noun} has no status")
    with mock_sagemaker() as mock:
        import boto3

        client = boto3.client("sagemaker", region_name=REGION)
        answers = prepare(client, declared)
        name = declared.example[naming(declared)]
        if "create" in lifecycle.failure_paths:
            mock.fail_next(bound.kind, "planned by the contract test", name=name)
            key = create(client, declared, answers)
            failed = describe(client, declared, key)
            assert failed[bound.status] == lifecycle.failure_paths["create"][-1]
            if lifecycle.failure_key:
                assert failed[lifecycle.failure_key] == "planned by the contract test"
            _check_waiters(client, declared, key, failed[bound.status])
            name = f"{name}-2"
            if declared.most == 1:  # the region's one resource (a workforce) makes room for the next
                call(client, bound.operations["Delete"], **key)
        key = create(client, declared, answers, name)
        arn = describe(client, declared, key)[bound.arn]
        _check_waiters(client, declared, key, describe(client, declared, key)[bound.status])
        for status in sorted(lifecycle.statuses):
            mock.set_status(arn, status, reason="set by the contract test")
            assert describe(client, declared, key)[bound.status] == status
        for verb in ("Stop", "Start"):
            operation = bound.operations.get(verb)
            trigger = verb.lower()
            if operation is None or trigger not in lifecycle.paths:
                continue
            accepted = lifecycle.accepts.get(trigger, tuple(lifecycle.statuses))
            mock.set_status(arn, accepted[0])
            call(client, operation, **key)
            assert describe(client, declared, key)[bound.status] == lifecycle.paths[trigger][-1]


def _check_waiters(client: Any, declared: Resource, key: dict[str, Any], status: str) -> None:
    """Each botocore waiter on the resource's Describe ends as its acceptors say for `status`."""
    bound = declared.bound
    read = bound.operations.get("Describe")
    for waiter_name in client.waiter_names:
        waiter = client.get_waiter(waiter_name)
        if waiter.config.operation != read:
            continue
        outcome = next((acceptor.state for acceptor in waiter.config.acceptors
                        if acceptor.matcher == "path" and acceptor.expected == status), None)
        if outcome == "success":
            waiter.wait(**key, WaiterConfig={"Delay": 0, "MaxAttempts": 1})
        elif outcome == "failure":
            with pytest.raises(WaiterError):
                waiter.wait(**key, WaiterConfig={"Delay": 0, "MaxAttempts": 1})


@pytest.mark.parametrize("noun", DECLARED)
def test_delete_leaves_nothing_to_describe(noun, sagemaker_client, sagemaker_mock):
    declared = resource(noun)
    bound, lifecycle = declared.bound, declared.lifecycle
    if "Delete" not in bound.operations:
        pytest.skip(f"the model has no Delete{noun}")
    answers = prepare(sagemaker_client, declared)
    key = create(sagemaker_client, declared, answers)
    arn = describe(sagemaker_client, declared, key)[bound.arn]
    if lifecycle is not None and "delete" in lifecycle.accepts:
        refusing = [status for status in sorted(lifecycle.statuses) if status not in lifecycle.accepts["delete"]]
        for status in refusing[:1]:
            sagemaker_mock.set_status(arn, status)
            before = sagemaker_mock.snapshot()
            refused(sagemaker_client, bound.operations["Delete"], **key)
            assert sagemaker_mock.snapshot() == before
        sagemaker_mock.set_status(arn, lifecycle.accepts["delete"][0])
    call(sagemaker_client, bound.operations["Delete"], **key)
    read = bound.operations.get("Describe") or bound.operations["Get"]
    kept = lifecycle.paths["delete"][-1] if lifecycle is not None and "delete" in lifecycle.paths else GONE
    if kept != GONE:  # a resource AWS keeps, in its last status, for a while (a Deleted app)
        assert describe(sagemaker_client, declared, key)[bound.status] == kept
        return
    refused(sagemaker_client, read, **key)
    with pytest.raises(ClientError):  # its tags went with it
        sagemaker_client.list_tags(ResourceArn=arn)


def list_all(client: Any, bound: Any) -> list[dict[str, Any]]:
    """Every summary the List answers, page after page (by botocore's paginator where the model
    has one: ListHubs has none)."""
    operation = bound.operations["List"]
    scoped = bound.list_request(bound.resource.example)
    if client.can_paginate(xform_name(operation)):
        return client.get_paginator(xform_name(operation)).paginate(**scoped).build_full_result()[bound.list_member]
    listed: list[dict[str, Any]] = []
    token = None
    while True:
        page = call(client, operation, **scoped, **({"NextToken": token} if token else {}))
        listed += page[bound.list_member]
        token = page.get("NextToken")
        if not token:
            return listed


@pytest.mark.parametrize("noun", DECLARED)
def test_concurrent_clients_lose_no_creates(noun, sagemaker_client):
    """Four threads, each with its own client, create ten each (fewer where a region holds fewer
    than forty): all are listed."""
    declared = resource(noun)
    bound = declared.bound
    if "List" not in bound.operations:
        pytest.skip(f"the model has no List operation for {noun}")
    each = min(10, (declared.most or 40) // 4)
    if each == 0:
        pytest.skip(f"a region holds {declared.most} {noun}")
    answers = prepare(sagemaker_client, declared)
    base = str(declared.example[naming(declared)])[:20]
    errors: list[BaseException] = []

    def make(thread: int) -> None:
        client = boto3.client("sagemaker", region_name=REGION)
        try:
            for index in range(each):
                create(client, declared, answers, f"{base}-t{thread}-{index}")
        except BaseException as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=make, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    listed = list_all(sagemaker_client, bound)
    names = set(listed_names(declared, listed))
    assert {fitted_name(declared, f"{base}-t{thread}-{index}") for thread in range(4) for index in range(each)} <= names
