"""Output shaping and strict checking against the output shapes."""
from __future__ import annotations

import datetime as dt

import pytest

from sagemock.core import service, shape
from sagemock.core.shape import ShapeError

OUTPUT = service.operation("DescribeModelPackageGroup").output_shape
WHEN = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)


def document(**changes):
    doc = {
        "ModelPackageGroupName": "g",
        "ModelPackageGroupArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
        "CreationTime": WHEN,
        "CreatedBy": {"IamIdentity": {"Arn": "arn:aws:iam::123456789012:user/x", "PrincipalId": "AIDAX"}},
        "ModelPackageGroupStatus": "Completed",
        "_private": "kept by the backend",
        "ModelPackageGroupDescription": None,
    }
    doc.update(changes)
    return doc


def test_timestamps_become_epoch_seconds_and_private_fields_go():
    out = shape.output(OUTPUT, document(), strict=True)
    assert out["CreationTime"] == WHEN.timestamp()
    assert "_private" not in out and "ModelPackageGroupDescription" not in out


def test_strict_rejects_an_undeclared_member():
    with pytest.raises(ShapeError, match="LastModifiedTime is not a member"):
        shape.output(OUTPUT, document(LastModifiedTime=WHEN), strict=True)


def test_strict_rejects_a_missing_required_member():
    doc = document()
    del doc["CreatedBy"]
    with pytest.raises(ShapeError, match="CreatedBy is required"):
        shape.output(OUTPUT, doc, strict=True)


def test_strict_rejects_a_value_outside_the_enum():
    with pytest.raises(ShapeError, match="not in the ModelPackageGroupStatus enum"):
        shape.output(OUTPUT, document(ModelPackageGroupStatus="Happy"), strict=True)


def test_strict_rejects_a_wrong_type():
    with pytest.raises(ShapeError, match="expected a datetime"):
        shape.output(OUTPUT, document(CreationTime="yesterday"), strict=True)


def test_lenient_mode_repairs_instead():
    doc = document(LastModifiedTime=WHEN)
    del doc["CreatedBy"]
    out = shape.output(OUTPUT, doc, strict=False)
    assert "LastModifiedTime" not in out
    assert out["CreatedBy"] == {}


def test_lenient_mode_copies_scalars_of_their_type_and_converts_the_rest():
    described = service.operation("DescribeEndpoint").output_shape
    endpoint = {"EndpointName": "e", "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
                "EndpointConfigName": "c", "EndpointStatus": "InService", "CreationTime": WHEN,
                "LastModifiedTime": WHEN, "_usage": 3, "Unknown": 1,
                "ProductionVariants": [{"VariantName": "v", "CurrentWeight": 1.0, "CurrentInstanceCount": 1,
                                        "DeployedImages": [{"SpecifiedImage": "image:1", "ResolutionTime": WHEN}],
                                        "_private": {}}]}
    assert shape.output(described, endpoint, strict=False) == shape.output(
        described, {key: value for key, value in endpoint.items() if key not in ("_usage", "Unknown")}, strict=True)
    shaped = shape.output(described, endpoint, strict=False)
    assert shaped["CreationTime"] == WHEN.timestamp() and "_private" not in shaped["ProductionVariants"][0]
    assert shaped["ProductionVariants"][0]["DeployedImages"][0]["ResolutionTime"] == WHEN.timestamp()
    # A scalar of another type than its member's goes through the member's emitter, as before.
    odd = shape.output(described, {**endpoint, "EndpointConfigName": 24, "ProductionVariants": [
        {"VariantName": "v", "CurrentWeight": 1, "CurrentInstanceCount": 2.5}]}, strict=False)
    assert odd["EndpointConfigName"] == "24"
    assert odd["ProductionVariants"][0] == {"VariantName": "v", "CurrentWeight": 1, "CurrentInstanceCount": 2.5}


def test_project_keeps_only_summary_members():
    summary = shape.project(document(), service.shape("ModelPackageGroupSummary"))
    assert "CreatedBy" not in summary and summary["ModelPackageGroupName"] == "g"


def test_errors_name_the_path_to_the_member():
    out = service.operation("ListModelPackageGroups").output_shape
    summary = {"ModelPackageGroupName": "g", "ModelPackageGroupArn": "arn", "CreationTime": WHEN,
               "ModelPackageGroupStatus": "Completed"}
    bad = dict(summary, ModelPackageGroupStatus="Happy")
    with pytest.raises(ShapeError) as err:
        shape.output(out, {"ModelPackageGroupSummaryList": [summary, bad]}, strict=True)
    assert str(err.value).startswith("ListModelPackageGroupsOutput.ModelPackageGroupSummaryList[1].ModelPackageGroupStatus:")


def test_members_tolerated_as_newer_are_declared_by_the_newest_models():
    """`sagemock.core.newer` lists members older models lack; under a model that has them all (any
    botocore since 1.40, the newest included) each one must be declared where it is listed, so the
    list cannot excuse a member no model has."""
    import botocore

    from sagemock.core import newer, service
    from sagemock.core.newer_members import MISSING_FROM_OLDEST

    if tuple(int(part) for part in botocore.__version__.split(".")[:2]) < (1, 40):
        pytest.skip("an older model lacks the members by definition")
    for shape_name, members in (*newer.NEWER_MEMBERS.items(), *MISSING_FROM_OLDEST.items()):
        assert members <= set(service.shape(shape_name).members), shape_name


def test_bounds_only_newer_models_declare_are_the_newest_models_bounds():
    """`newer_members.BOUNDS_ONLY_IN_NEWEST` applies the reference model's bounds under older models;
    under a model that declares them, each must be the model's own, so the list cannot invent one."""
    from sagemock.core import service
    from sagemock.core.newer_members import BOUNDS_ONLY_IN_NEWEST

    for shape_name, limits in BOUNDS_ONLY_IN_NEWEST.items():
        declared = service.shape(shape_name).metadata
        for key, value in limits.items():
            if key in declared:
                assert declared[key] == value, (shape_name, key)
