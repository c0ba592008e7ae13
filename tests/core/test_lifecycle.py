"""Status transitions: instant by default, observable by reads or mock-clock seconds on request."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock import mock_sagemaker


def client():
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


def status(c, name="g"):
    return c.describe_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupStatus"]


def test_instant_by_default():
    with mock_sagemaker():
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        assert status(c) == "Completed"


def test_by_reads_a_test_sees_every_status():
    with mock_sagemaker(transitions="reads"):
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        assert [status(c) for _ in range(4)] == ["Pending", "InProgress", "Completed", "Completed"]


def test_by_reads_with_several_reads_per_step():
    with mock_sagemaker(transitions="reads", transition_reads=2):
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        assert [status(c) for _ in range(5)] == ["Pending", "Pending", "InProgress", "InProgress", "Completed"]


def test_by_seconds_on_the_mock_clock():
    with mock_sagemaker(transitions="seconds", transition_seconds=30) as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        assert status(c) == "Pending"
        mock.advance(30)
        assert status(c) == "InProgress"
        mock.advance(3600)
        assert status(c) == "Completed"


def test_delete_walks_through_deleting_then_the_resource_is_gone():
    with mock_sagemaker(transitions="reads"):
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        for _ in range(3):
            status(c)
        c.delete_model_package_group(ModelPackageGroupName="g")
        assert status(c) == "Deleting"
        with pytest.raises(ClientError) as err:
            status(c)
        assert "does not exist" in err.value.response["Error"]["Message"]


def test_a_test_can_force_a_status():
    with mock_sagemaker() as mock:
        c = client()
        arn = c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
        mock.set_status(arn, "DeleteFailed")
        assert status(c) == "DeleteFailed"


def test_forcing_a_status_outside_the_model_enum_is_refused():
    with mock_sagemaker() as mock:
        arn = client().create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
        with pytest.raises(Exception, match="not a ModelPackageGroupStatus"):
            mock.set_status(arn, "Sleeping")


def test_unknown_transition_mode_is_refused():
    with pytest.raises(ValueError, match="transitions must be one of"):
        mock_sagemaker(transitions="sometimes")


def test_kinds_of_nested_resources_are_told_apart():
    from sagemock.core import arns

    base = "arn:aws:sagemaker:us-east-1:123456789012:"
    assert arns.kind(base + "model-card/c/export-job/j") == "model-card/export-job"
    assert arns.kind(base + "model-package/group/3") == "model-package"
    assert arns.kind(base + "pipeline/p/execution/abc123def456") == "pipeline/execution"
    assert arns.kind("not-an-arn") is None


def test_a_kind_has_one_lifecycle():
    from sagemock.core.lifecycle import Lifecycle

    with pytest.raises(RuntimeError, match="two lifecycles"):
        Lifecycle(resource_type="model-package-group", status_key="S", status_shape="S", paths={})


VALIDATED = {"ValidationRole": "arn:aws:iam::123456789012:role/v", "ValidationProfiles": [{
    "ProfileName": "p1", "TransformJobDefinition": {
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        "TransformOutput": {"S3OutputPath": "s3://b/out"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1}}}]}
SPEC = {"Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}]}


def package_status(c, arn):
    described = c.describe_model_package(ModelPackageName=arn)
    return described["ModelPackageStatus"], described["ModelPackageStatusDetails"]["ValidationStatuses"]


def test_fail_next_makes_the_next_resource_of_a_kind_fail_with_the_reason():
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        mock.fail_next("model-package", reason="image scan found a critical issue")
        failed = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC,
                                        ValidationSpecification=VALIDATED)["ModelPackageArn"]
        fine = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC,
                                      ValidationSpecification=VALIDATED)["ModelPackageArn"]
        assert package_status(c, failed) == ("Failed", [
            {"Name": "p1", "Status": "Failed", "FailureReason": "image scan found a critical issue"}])
        assert package_status(c, fine) == ("Completed", [{"Name": "p1", "Status": "Completed"}])


def test_a_named_failure_waits_for_its_resource():
    with mock_sagemaker() as mock:
        c = client()
        mock.fail_next("model-package", reason="bad", name="second")
        base = {"InferenceSpecification": {**SPEC, "SupportedTransformInstanceTypes": ["ml.m5.large"],
                                           "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"]}}
        first = c.create_model_package(ModelPackageName="first", **base)["ModelPackageArn"]
        second = c.create_model_package(ModelPackageName="second", **base)["ModelPackageArn"]
        assert package_status(c, first)[0] == "Completed"
        assert package_status(c, second)[0] == "Failed"


def test_fail_next_refuses_kinds_that_cannot_fail():
    with mock_sagemaker() as mock:
        with pytest.raises(ValueError, match="cannot be made to fail"):
            mock.fail_next("model-package-group")


NOTEBOOK = {"InstanceType": "ml.t3.medium", "RoleArn": "arn:aws:iam::123456789012:role/nb"}


def test_fail_next_by_name_ignores_case_where_names_do():
    with mock_sagemaker() as mock:
        c = client()
        mock.fail_next("notebook-instance", reason="no capacity", name="MixedCase")
        c.create_notebook_instance(NotebookInstanceName="mixedcase", **NOTEBOOK)
        described = c.describe_notebook_instance(NotebookInstanceName="mixedcase")
        assert (described["NotebookInstanceStatus"], described["FailureReason"]) == ("Failed", "no capacity")


def test_set_status_takes_an_arn_in_the_names_case():
    with mock_sagemaker() as mock:
        c = client()
        c.create_notebook_instance(NotebookInstanceName="Analysis", **NOTEBOOK)
        mock.set_status("arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/Analysis", "Stopped")
        assert c.describe_notebook_instance(NotebookInstanceName="Analysis")["NotebookInstanceStatus"] == "Stopped"


def test_waiters_walk_reads_mode_with_no_delay():
    with mock_sagemaker(transitions="reads", transition_reads=2):
        c = client()
        c.create_notebook_instance(NotebookInstanceName="nb", **NOTEBOOK)
        c.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName="nb",
                                                          WaiterConfig={"Delay": 0, "MaxAttempts": 5})
        assert c.describe_notebook_instance(NotebookInstanceName="nb")["NotebookInstanceStatus"] == "InService"
