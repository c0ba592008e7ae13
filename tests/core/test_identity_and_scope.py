"""Accounts, regions and the caller identity come from the request's credentials and endpoint."""
from __future__ import annotations

import boto3

from sagemock import mock_sagemaker


def client(key="testing", region="us-east-1", token=None):
    return boto3.client("sagemaker", region_name=region, aws_access_key_id=key, aws_secret_access_key="s",
                        aws_session_token=token)


@mock_sagemaker
def test_default_account_and_user_identity():
    c = client()
    arn = c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"
    created_by = c.describe_model_package_group(ModelPackageGroupName="g")["CreatedBy"]
    iam = created_by["IamIdentity"]
    assert iam["Arn"] == "arn:aws:iam::123456789012:user/sagemock"
    assert iam["PrincipalId"].startswith("AIDA") and len(iam["PrincipalId"]) == 21


@mock_sagemaker
def test_twelve_digit_access_key_selects_the_account():
    one, two = client("111111111111"), client("222222222222")
    one.create_model_package_group(ModelPackageGroupName="shared-name")
    assert two.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    arn = two.create_model_package_group(ModelPackageGroupName="shared-name")["ModelPackageGroupArn"]
    assert ":222222222222:" in arn
    assert ":111111111111:" in one.describe_model_package_group(ModelPackageGroupName="shared-name")[
        "ModelPackageGroupArn"]


@mock_sagemaker
def test_regions_are_separate_and_in_the_arn():
    east, west = client(region="us-east-1"), client(region="eu-west-1")
    arn = west.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn.startswith("arn:aws:sagemaker:eu-west-1:")
    assert east.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


@mock_sagemaker
def test_china_regions_use_their_partition():
    arn = client(region="cn-north-1").create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn.startswith("arn:aws-cn:sagemaker:cn-north-1:")


@mock_sagemaker
def test_temporary_credentials_are_an_assumed_role():
    c = client(key="ASIATEMPORARYKEY", token="session-token")
    c.create_model_package_group(ModelPackageGroupName="g")
    iam = c.describe_model_package_group(ModelPackageGroupName="g")["CreatedBy"]["IamIdentity"]
    assert iam["Arn"] == "arn:aws:sts::123456789012:assumed-role/sagemock/ASIATEMPORARYKEY"
    assert iam["PrincipalId"].endswith(":ASIATEMPORARYKEY")


@mock_sagemaker
def test_different_keys_are_different_principals():
    a, b = client("AKIAONE"), client("AKIATWO")
    a.create_model_package_group(ModelPackageGroupName="a")
    b.create_model_package_group(ModelPackageGroupName="b")
    pa = a.describe_model_package_group(ModelPackageGroupName="a")["CreatedBy"]["IamIdentity"]["PrincipalId"]
    pb = a.describe_model_package_group(ModelPackageGroupName="b")["CreatedBy"]["IamIdentity"]["PrincipalId"]
    assert pa != pb


def test_identity_arn_can_be_configured():
    with mock_sagemaker(identity_arn="arn:aws:iam::123456789012:role/ci"):
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        created_by = c.describe_model_package_group(ModelPackageGroupName="g")["CreatedBy"]
        assert created_by["IamIdentity"]["Arn"] == "arn:aws:iam::123456789012:role/ci"


def test_default_account_can_be_configured():
    with mock_sagemaker(account_id="999999999999"):
        arn = client().create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
        assert ":999999999999:" in arn


def test_arns_of_some_types_lower_case_the_name():
    from sagemock.core import arns

    assert arns.build("us-east-1", "123456789012", "model", "AKing-Service") == \
        "arn:aws:sagemaker:us-east-1:123456789012:model/aking-service"
    assert arns.build("us-east-1", "123456789012", "notebook-instance", "AKing-Service").endswith("/AKing-Service")
    assert arns.build("us-east-1", "123456789012", "model-package-group", "MixedCase").endswith("/MixedCase")
    assert arns.key("endpoint-config", "Prod-Config") == "prod-config"


@mock_sagemaker
def test_the_region_is_the_clients_even_behind_an_endpoint_url_that_names_none():
    """The region travels with the caller, not in the host: a custom endpoint URL changes nothing."""
    c = boto3.client("sagemaker", region_name="ap-southeast-2", endpoint_url="http://localhost:4566",
                     aws_access_key_id="210987654321", aws_secret_access_key="s")
    arn = c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:ap-southeast-2:210987654321:model-package-group/g"


@mock_sagemaker
def test_refreshable_credentials_that_are_not_due_select_their_account():
    from botocore.credentials import RefreshableCredentials
    from botocore.session import get_session

    calls = []

    def refresh():
        calls.append(1)
        return {"access_key": "333333333333", "secret_key": "s", "token": "t", "expiry_time": "2999-01-01T00:00:00Z"}

    session = get_session()
    session._credentials = RefreshableCredentials.create_from_metadata(refresh(), refresh, "test")
    c = session.create_client("sagemaker", region_name="us-east-1")
    arn = c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert ":333333333333:" in arn
    iam = c.describe_model_package_group(ModelPackageGroupName="g")["CreatedBy"]["IamIdentity"]
    assert iam["Arn"].startswith("arn:aws:sts::333333333333:assumed-role/")  # its token makes them temporary
    assert calls == [1]  # read, never refreshed


def test_requests_under_the_mock_are_not_signed_and_a_retry_keeps_the_caller():
    """Nothing checks a signature in the process, so none is computed (docs/activation.md); the
    caller a signature would carry is kept through botocore's retries."""
    seen = []
    with mock_sagemaker() as mock:
        c = client("444444444444", region="eu-central-1")
        c.meta.events.register_first("before-send.sagemaker", lambda request, **_: seen.append(request.headers))
        mock.fail("CreateModelPackageGroup", "ThrottlingException", times=2)
        arn = c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:eu-central-1:444444444444:model-package-group/g"
    assert len(seen) == 3  # two throttled attempts, then the one that went through
    assert all("Authorization" not in headers for headers in seen)
