"""`Resource(wrapped=...)`: a declared resource whose Describe answers it inside one member
(DescribeWorkforce's `Workforce`, DescribeTrainingSession's `TrainingSessionDetail`). The engine
reads from that structure what it reads from a top-level Describe, and refuses to guess: an
undeclared wrapper, or a declared one the model does not have, fails to bind."""
from __future__ import annotations

import pytest

from sagemock.core import service
from sagemock.core.errors import ValidationError
from sagemock.core.resource import BindingError, Resource, describe_binding


def look(noun: str, **declared) -> Resource:
    """A look-only declaration (answers no request), as `sagemock derive` makes."""
    return Resource(noun, missing=ValidationError, duplicate=ValidationError, registered=False, **declared)


def test_a_wrapped_describe_not_declared_wrapped_fails_to_bind_and_names_the_wrapper():
    with pytest.raises(BindingError, match="declare wrapped='Workforce'"):
        look("Workforce", default_sort=("CreateDate", "Ascending")).bound  # noqa: B018 - binding is the check


@pytest.mark.parametrize("noun, wrapper", [("Workforce", "Workteam"), ("Model", "Model"),
                                           ("Workforce", "WorkforceName")])
def test_a_declared_wrapper_the_model_does_not_have_fails_to_bind(noun, wrapper):
    with pytest.raises(BindingError, match=f"declared wrapped='{wrapper}'"):
        look(noun, wrapped=wrapper, default_sort=("CreateDate", "Ascending")).bound  # noqa: B018


def test_everything_is_derived_from_the_wrapped_structure():
    bound = look("Workforce", wrapped="Workforce", default_sort=("CreateDate", "Ascending")).bound
    assert (bound.name, bound.arn, bound.kind, bound.status) == ("WorkforceName", "WorkforceArn", "workforce", "Status")
    assert bound.described_shape.name == "Workforce"
    assert {"CognitoConfig", "OidcConfig", "SourceIpConfig", "WorkforceVpcConfig"} <= set(bound.echoed)
    assert bound.list_member == "Workforces" and bound.summary_shape.name == "Workforce"
    assert bound.listing is not None and dict(bound.listing.sort_keys) == {"Name": "WorkforceName",
                                                                           "CreateDate": "CreateDate"}
    assert {"SourceIpConfig", "OidcConfig", "WorkforceVpcConfig"} <= set(bound.updated)
    # An Update answer that has the wrapper answers the resource in it; Delete's members as ever.
    document = {"WorkforceName": "w", "WorkforceArn": "arn", "_private": 1}
    assert bound.answer("UpdateWorkforce", document) == {"Workforce": document}
    assert bound.answer("CreateWorkforce", document) == {"WorkforceArn": "arn"}
    assert bound.unwrap({"Workforce": document}) is document
    assert "described inside: Workforce (Workforce)" in describe_binding(bound)


@pytest.mark.skipif("DescribeTrainingSession" not in service.operation_names(),
                    reason="the installed botocore model has no training sessions (botocore 1.35 has not)")
def test_a_wrapper_named_otherwise_than_the_noun():
    bound = look("TrainingSession", wrapped="TrainingSessionDetail", default_sort=("CreationTime", "Descending")).bound
    assert (bound.arn, bound.status) == ("TrainingSessionArn", "TrainingSessionStatus")
    assert "Tags" in bound.described and "Tags" not in bound.echoed  # the tags are answered from the tag store
    assert bound.list_member == "TrainingSessionSummaries"


def test_an_unwrapped_resource_is_its_describe_answer():
    bound = look("Model", default_sort=("CreationTime", "Descending")).bound
    document = {"ModelName": "m"}
    assert bound.unwrap(document) is document
    assert bound.described_shape is service.operation("DescribeModel").output_shape


def test_an_id_prefix_keys_the_resource_as_its_arn_ends():
    """A private work team is `workteam/private-crowd/<name>`, named `<name>` in requests."""
    bound = look("Workteam", wrapped="Workteam", id_prefix="private-crowd/",
                 default_sort=("CreateDate", "Ascending")).bound
    assert bound.ident({"WorkteamName": "labelers"}) == "private-crowd/labelers"
    assert bound.key_params({"WorkteamName": "labelers", "Description": "d"}) == {"WorkteamName": "labelers"}
