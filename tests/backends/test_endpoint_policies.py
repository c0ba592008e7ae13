"""Endpoint policies (PutEndpointPolicy, GetEndpointPolicy, DeleteEndpointPolicy) through boto3."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = requires_operation("PutEndpointPolicy")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/endpoint"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "111122223333"},
    "Action": ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"],
    "Resource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/chat"}]})


def endpoint(client, name="chat"):
    client.create_model(ModelName="chat-model", ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/chat:1"})
    client.create_endpoint_config(EndpointConfigName="chat-config", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": "chat-model", "InstanceType": "ml.m5.large",
         "InitialInstanceCount": 1}])
    return client.create_endpoint(EndpointName=name, EndpointConfigName="chat-config")["EndpointArn"]


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_policy_is_put_read_replaced_and_deleted(sagemaker_client):
    arn = endpoint(sagemaker_client)
    assert sagemaker_client.put_endpoint_policy(EndpointName="chat", ResourcePolicy=POLICY)["EndpointArn"] == arn
    got = sagemaker_client.get_endpoint_policy(EndpointName="chat")
    assert (got["EndpointName"], got["EndpointArn"], got["ResourcePolicy"]) == ("chat", arn, POLICY)
    narrower = json.dumps({"Version": "2012-10-17", "Statement": []})
    sagemaker_client.put_endpoint_policy(EndpointName="chat", ResourcePolicy=narrower)
    assert sagemaker_client.get_endpoint_policy(EndpointName="chat")["ResourcePolicy"] == narrower
    assert "ResourcePolicy" not in sagemaker_client.describe_endpoint(EndpointName="chat")
    sagemaker_client.delete_endpoint_policy(EndpointName="chat")
    with pytest.raises(ClientError) as missing:
        sagemaker_client.get_endpoint_policy(EndpointName="chat")
    assert error_of(missing) == ("ValidationException", f"Cannot find resource policy for: {arn}")
    sagemaker_client.delete_endpoint_policy(EndpointName="chat")  # no policy: still a success


def test_a_missing_endpoint_is_resource_not_found(sagemaker_client):
    for call in (lambda: sagemaker_client.put_endpoint_policy(EndpointName="nope", ResourcePolicy=POLICY),
                 lambda: sagemaker_client.get_endpoint_policy(EndpointName="nope"),
                 lambda: sagemaker_client.delete_endpoint_policy(EndpointName="nope")):
        with pytest.raises(ClientError) as missing:
            call()
        assert error_of(missing) == (
            "ResourceNotFound", f'Could not find endpoint "arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/nope".')


def test_a_policy_that_is_not_a_json_policy_document_or_not_ascii_is_refused(sagemaker_client):
    endpoint(sagemaker_client)
    for policy in ("not json", "[]", json.dumps({"Version": "2012-10-17"}),
                   json.dumps({"Version": "2012-10-17", "Statement": [], "Sid": "caf\u00e9"}, ensure_ascii=False)):
        with pytest.raises(ClientError) as refused:
            sagemaker_client.put_endpoint_policy(EndpointName="chat", ResourcePolicy=policy)
        assert error_of(refused)[0] == "ValidationException", policy
    with pytest.raises(ClientError):
        sagemaker_client.get_endpoint_policy(EndpointName="chat")


def test_a_failed_or_deleting_endpoint_takes_no_policy(sagemaker_mock, sagemaker_client):
    arn = endpoint(sagemaker_client)
    for status in ("Failed", "Deleting"):
        sagemaker_mock.set_status(arn, status, reason="planned")
        with pytest.raises(ClientError) as refused:
            sagemaker_client.put_endpoint_policy(EndpointName="chat", ResourcePolicy=POLICY)
        assert error_of(refused)[0] == "ValidationException" and status in error_of(refused)[1]


def test_the_policy_goes_with_the_endpoint(sagemaker_client):
    endpoint(sagemaker_client)
    sagemaker_client.put_endpoint_policy(EndpointName="chat", ResourcePolicy=POLICY)
    sagemaker_client.delete_endpoint(EndpointName="chat")
    sagemaker_client.create_endpoint(EndpointName="chat", EndpointConfigName="chat-config")
    with pytest.raises(ClientError) as missing:  # "a new endpoint with the same name has no policy"
        sagemaker_client.get_endpoint_policy(EndpointName="chat")
    assert error_of(missing)[0] == "ValidationException"


@requires_operation("CreateInferenceRouter")
def test_a_policy_lets_a_router_of_another_account_check_the_endpoint(sagemaker_client):
    """A router checks an endpoint of another account only where the endpoint's policy lets it
    (IAM is not evaluated: any policy counts); without one the destination is Unknown. An access key
    id of twelve digits acts as that account."""
    import boto3

    owner = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="210987654321",
                         aws_secret_access_key="x")
    arn = endpoint(owner)
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        {"Name": "chat", "Destinations": [{"ResourceArn": arn}]}])

    def status():
        described = sagemaker_client.describe_inference_router(InferenceRouterName="router")
        return described["RoutingTargets"][0]["Destinations"][0]["RoutingStatus"]

    assert status() == "Unknown"
    owner.put_endpoint_policy(EndpointName="chat", ResourcePolicy=POLICY)
    assert status() == "Routable"
    owner.delete_endpoint_policy(EndpointName="chat")
    assert status() == "Unknown"
