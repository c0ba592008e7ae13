"""sagemock beside `responses`: requests-based HTTP goes to responses, SageMaker goes to sagemock.

`responses` patches the `requests` library's adapter; botocore does not use `requests`, and
sagemock answers botocore before anything is sent, so the two never meet.
"""
from __future__ import annotations

import boto3
import pytest

from sagemock import mock_sagemaker

responses = pytest.importorskip("responses", reason="responses is in the test extra")
requests = pytest.importorskip("requests")


@responses.activate
@mock_sagemaker
def test_requests_go_to_responses_and_sagemaker_to_sagemock():
    responses.add(responses.GET, "https://models.example.com/churn/latest", json={"image": "churn:7"})
    image = requests.get("https://models.example.com/churn/latest", timeout=5).json()["image"]

    sm = boto3.client("sagemaker", region_name="us-east-1")
    sm.create_model_package_group(ModelPackageGroupName="churn")
    arn = sm.create_model_package(ModelPackageGroupName="churn", InferenceSpecification={
        "Containers": [{"Image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{image}"}]})["ModelPackageArn"]

    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1"
    assert [call.request.url for call in responses.calls] == ["https://models.example.com/churn/latest"]


def test_in_either_order_and_strict_responses_sees_no_sagemaker_call():
    with mock_sagemaker(), responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        http.add(responses.POST, "https://hooks.example.com/deployed", status=204)
        sm = boto3.client("sagemaker", region_name="eu-west-1")
        sm.create_model_package_group(ModelPackageGroupName="g")
        assert requests.post("https://hooks.example.com/deployed", json={"group": "g"}, timeout=5).status_code == 204
        assert len(http.calls) == 1  # the SageMaker request never reached requests
    with responses.RequestsMock() as http, mock_sagemaker():
        sm = boto3.client("sagemaker", region_name="eu-west-1")
        assert sm.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
        with pytest.raises(requests.ConnectionError):  # responses refuses what it was not told
            requests.get("https://unknown.example.com/", timeout=5)
