"""SageMaker Runtime through boto3: InvokeEndpoint, its streaming and asynchronous forms, errors,
the registered responses, and the same requests through the server."""
from __future__ import annotations

import json
import threading

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

import sagemock
from sagemock.server import ThreadedServer
from tests.model_support import requires_member
from tests.server_process import clients_of

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/serve:latest"


def deploy(sm, name="churn", variants=("AllTraffic",), async_output=None, containers=None, direct=False):
    """A model, a configuration with the variants, and an InService endpoint."""
    model = {"ModelName": f"{name}-model", "ExecutionRoleArn": ROLE}
    if containers:
        model["Containers"] = containers
        if direct:
            model["InferenceExecutionConfig"] = {"Mode": "Direct"}
    else:
        model["PrimaryContainer"] = {"Image": IMAGE, "ModelDataUrl": "s3://bucket/model.tar.gz"}
    sm.create_model(**model)
    config = {"EndpointConfigName": f"{name}-config",
              "ProductionVariants": [{"VariantName": variant, "ModelName": f"{name}-model",
                                      "InstanceType": "ml.m5.large", "InitialInstanceCount": 1,
                                      "InitialVariantWeight": 1.0} for variant in variants]}
    if async_output is not None:
        config["AsyncInferenceConfig"] = {"OutputConfig": async_output}
    sm.create_endpoint_config(**config)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "InService"
    return name


@pytest.fixture
def runtime(sagemaker_mock):
    config = sagemaker_mock.config
    return boto3.client("sagemaker-runtime", region_name=config.region, aws_access_key_id=config.account_id,
                        aws_secret_access_key="sagemock")


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


# -- InvokeEndpoint ------------------------------------------------------------------------------

def test_an_endpoint_with_nothing_registered_echoes_the_body_with_its_content_type(sagemaker_client, runtime):
    deploy(sagemaker_client)
    answer = runtime.invoke_endpoint(EndpointName="churn", Body=b'{"x": [1, 2]}', ContentType="application/json")
    assert answer["Body"].read() == b'{"x": [1, 2]}'
    assert answer["ContentType"] == "application/json"
    assert answer["InvokedProductionVariant"] == "AllTraffic"


def test_canned_bytes_answer_every_invocation(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)
    sagemaker_mock.set_endpoint_response("churn", (b"0.93\n", "text/csv"))
    for body in (b"1,2,3", b"4,5,6"):
        answer = runtime.invoke_endpoint(EndpointName="churn", Body=body, ContentType="text/csv")
        assert (answer["Body"].read(), answer["ContentType"]) == (b"0.93\n", "text/csv")


def test_a_function_sees_the_body_content_type_and_header_members(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)
    seen = []

    def model(body, content_type, headers):
        seen.append((body, content_type, headers))
        return json.dumps({"score": len(body)})

    sagemaker_mock.set_endpoint_response("churn", model)
    answer = runtime.invoke_endpoint(EndpointName="churn", Body=b"abcd", ContentType="text/plain",
                                     Accept="application/json", CustomAttributes="trace=7", InferenceId="req-1")
    assert json.loads(answer["Body"].read()) == {"score": 4}
    assert answer["ContentType"] == "application/json"  # what the request Accepts, as the model was not told
    assert answer["CustomAttributes"] == "trace=7"
    assert seen == [(b"abcd", "text/plain", {"Accept": "application/json", "CustomAttributes": "trace=7",
                                             "InferenceId": "req-1"})]


def test_a_variant_answers_for_itself_and_target_variant_picks_it(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client, variants=("A", "B"))
    sagemaker_mock.set_endpoint_response("churn", b"endpoint")
    sagemaker_mock.set_endpoint_response("churn", b"from-b", variant="B")
    answer = runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetVariant="B")
    assert (answer["Body"].read(), answer["InvokedProductionVariant"]) == (b"from-b", "B")
    answer = runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetVariant="A")
    assert (answer["Body"].read(), answer["InvokedProductionVariant"]) == (b"endpoint", "A")


def test_traffic_is_split_between_variants_by_weight(sagemaker_client, runtime):
    deploy(sagemaker_client, variants=("A", "B"))
    invoked = {runtime.invoke_endpoint(EndpointName="churn", Body=b"x")["InvokedProductionVariant"]
               for _ in range(40)}
    assert invoked == {"A", "B"}


def test_endpoint_names_ignore_case_as_the_endpoint_arn_does(sagemaker_client, runtime):
    deploy(sagemaker_client, name="Churn")
    assert runtime.invoke_endpoint(EndpointName="churn", Body=b"x")["Body"].read() == b"x"


def test_a_model_that_raises_is_aws_model_error_with_the_original_status(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)

    def model(body, content_type, headers):
        raise sagemock.ModelFailure("bad feature count", status_code=400)

    sagemaker_mock.set_endpoint_response("churn", model)
    with pytest.raises(runtime.exceptions.ModelError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x")
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert response["OriginalStatusCode"] == 400
    assert response["OriginalMessage"] == "bad feature count"
    assert response["LogStreamArn"].startswith(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/Endpoints/churn")
    assert response["Error"]["Message"].startswith('Received client error (400) from primary with message '
                                                   '"bad feature count". See https://')

    sagemaker_mock.set_endpoint_response("churn", lambda *args: 1 / 0)
    with pytest.raises(runtime.exceptions.ModelError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x")
    assert excinfo.value.response["OriginalStatusCode"] == 500
    assert "Received server error (500)" in excinfo.value.response["Error"]["Message"]


def test_a_missing_endpoint_is_the_runtime_validation_error(runtime):
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="nope", Body=b"x")
    assert error_of(excinfo) == ("ValidationError", f"Endpoint nope of account {ACCOUNT} not found.")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_endpoint_that_is_not_serving_is_not_found(sagemaker_mock, sagemaker_client, runtime):
    sagemaker_mock.fail_next("endpoint", "capacity")
    deploy_failed = pytest.raises(AssertionError)
    with deploy_failed:
        deploy(sagemaker_client)
    assert sagemaker_client.describe_endpoint(EndpointName="churn")["EndpointStatus"] == "Failed"
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x")
    assert error_of(excinfo) == ("ValidationError", f"Endpoint churn of account {ACCOUNT} not found.")


def test_a_deleted_endpoint_is_not_found(sagemaker_client, runtime):
    deploy(sagemaker_client)
    sagemaker_client.delete_endpoint(EndpointName="churn")
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x")
    assert error_of(excinfo)[0] == "ValidationError"


def test_targets_must_exist(sagemaker_client, runtime):
    deploy(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetVariant="Shadow")
    assert error_of(excinfo)[0] == "ValidationError"
    assert "Shadow" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetModel="a.tar.gz")
    assert error_of(excinfo) == ("ValidationError", "Endpoint churn is not a multi-model endpoint and does not "
                                                    "support target model header.")
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetContainerHostname="second")
    assert error_of(excinfo)[0] == "ValidationError"
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="churn", Body=b"x", InferenceComponentName="ic")
    assert error_of(excinfo) == ("ValidationError", f"Inference component ic of account {ACCOUNT} not found.")


def test_a_direct_invocation_reaches_a_named_container(sagemaker_client, runtime):
    deploy(sagemaker_client, containers=[{"Image": IMAGE, "ContainerHostname": "first"},
                                         {"Image": IMAGE, "ContainerHostname": "second"}], direct=True)
    assert runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetContainerHostname="second")["Body"].read() == b"x"


def test_a_multi_model_endpoint_takes_a_target_model(sagemaker_client, runtime):
    deploy(sagemaker_client, containers=[{"Image": IMAGE, "Mode": "MultiModel", "ModelDataUrl": "s3://b/models/"}])
    assert runtime.invoke_endpoint(EndpointName="churn", Body=b"x", TargetModel="a.tar.gz")["Body"].read() == b"x"


def test_bad_input_is_refused_from_the_runtime_model(runtime):
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="not valid", Body=b"x")
    code, message = error_of(excinfo)
    assert code == "ValidationError"
    assert message.startswith("1 validation error detected: Value 'not valid' at 'endpointName' failed to satisfy "
                              "constraint: Member must satisfy regular expression pattern")
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="e", Body=b"x", ContentType="text/é")
    assert "contentType" in error_of(excinfo)[1]


# -- InvokeEndpointWithResponseStream ------------------------------------------------------------

def test_a_stream_arrives_as_payload_parts_botocore_parses(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)
    sagemaker_mock.set_endpoint_response("churn", ["The ", "answer ", b"is 42"])
    answer = runtime.invoke_endpoint_with_response_stream(EndpointName="churn", Body=b"q", CustomAttributes="a=1")
    assert answer["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/vnd.amazon.eventstream"
    assert answer["InvokedProductionVariant"] == "AllTraffic"
    assert answer["CustomAttributes"] == "a=1"
    assert [event["PayloadPart"]["Bytes"] for event in answer["Body"]] == [b"The ", b"answer ", b"is 42"]


def test_a_stream_the_model_breaks_ends_with_model_stream_error(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)

    def tokens(body, content_type, headers):
        yield b"first"
        raise RuntimeError("connection reset")

    sagemaker_mock.set_endpoint_response("churn", tokens)
    stream = runtime.invoke_endpoint_with_response_stream(EndpointName="churn", Body=b"q")["Body"]
    events = iter(stream)
    assert next(events) == {"PayloadPart": {"Bytes": b"first"}}
    with pytest.raises(EventStreamError) as excinfo:
        next(events)
    assert error_of(excinfo) == ("ModelStreamError", "connection reset")


def test_a_stream_whose_model_fails_at_once_is_model_error(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)
    sagemaker_mock.set_endpoint_response("churn", lambda *args: (_ for _ in ()).throw(ValueError("no")))
    with pytest.raises(runtime.exceptions.ModelError):
        runtime.invoke_endpoint_with_response_stream(EndpointName="churn", Body=b"q")


# -- InvokeEndpointAsync --------------------------------------------------------------------------

def test_async_needs_an_async_endpoint(sagemaker_client, runtime):
    deploy(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint_async(EndpointName="churn", InputLocation="s3://in/x.json")
    assert error_of(excinfo)[0] == "ValidationError"


@requires_member("InvokeEndpointAsync", "S3OutputPathExtension", "sagemaker-runtime")
def test_async_answers_locations_under_the_configured_paths_and_writes_nothing_without_s3(sagemaker_client, runtime):
    deploy(sagemaker_client, async_output={"S3OutputPath": "s3://out/results/", "S3FailurePath": "s3://out/errors"})
    answer = runtime.invoke_endpoint_async(EndpointName="churn", InputLocation="s3://in/x.json", InferenceId="job-7")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["InferenceId"] == "job-7"
    assert answer["OutputLocation"] == "s3://out/results/job-7.out"
    assert answer["FailureLocation"] == "s3://out/errors/job-7-error.out"
    generated = runtime.invoke_endpoint_async(EndpointName="churn", InputLocation="s3://in/x.json",
                                              S3OutputPathExtension="daily")
    assert generated["OutputLocation"] == f"s3://out/results/daily/{generated['InferenceId']}.out"


@requires_member("InvokeEndpointAsync", "Filename", "sagemaker-runtime")
def test_async_writes_its_output_and_failures_to_moto_s3(sagemaker_mock, sagemaker_client, runtime):
    moto = pytest.importorskip("moto")
    deploy(sagemaker_client, async_output={"S3OutputPath": "s3://async-out/results", "S3FailurePath": "s3://async-out/errors"})
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in ("async-in", "async-out"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="async-in", Key="x.json", Body=b'{"rows": 3}')
        sagemaker_mock.set_endpoint_response("churn", lambda body, content_type, headers: body.upper())
        answer = runtime.invoke_endpoint_async(EndpointName="churn", InputLocation="s3://async-in/x.json", Filename="f1")
        assert answer["OutputLocation"] == "s3://async-out/results/f1.out"
        assert s3.get_object(Bucket="async-out", Key="results/f1.out")["Body"].read() == b'{"ROWS": 3}'

        sagemaker_mock.set_endpoint_response("churn", lambda *args: 1 / 0)
        failed = runtime.invoke_endpoint_async(EndpointName="churn", InputLocation="s3://async-in/x.json", Filename="f2")
        assert failed["FailureLocation"] == "s3://async-out/errors/f2-error.out"
        assert b"division by zero" in s3.get_object(Bucket="async-out", Key="errors/f2-error.out")["Body"].read()
        assert "results/f2.out" not in [o["Key"] for o in s3.list_objects_v2(Bucket="async-out").get("Contents", [])]


# -- the mock control, threads, the server ---------------------------------------------------------

def test_a_response_that_is_not_an_answer_is_refused_at_once(sagemaker_mock):
    with pytest.raises(TypeError):
        sagemaker_mock.set_endpoint_response("churn", 42)


def test_threads_invoking_concurrently_all_get_their_own_answer(sagemaker_mock, sagemaker_client, runtime):
    deploy(sagemaker_client)
    sagemaker_mock.set_endpoint_response("churn", lambda body, content_type, headers: body[::-1])
    failures = []

    def invoke(index):
        client = boto3.client("sagemaker-runtime", region_name=REGION)
        for round_ in range(20):
            body = f"{index}-{round_}".encode()
            if client.invoke_endpoint(EndpointName="churn", Body=body)["Body"].read() != body[::-1]:
                failures.append(body)

    threads = [threading.Thread(target=invoke, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_the_server_answers_the_runtime_at_the_same_address():
    with ThreadedServer() as server:
        sm, runtime = clients_of(server.url, "sagemaker", "sagemaker-runtime", account=ACCOUNT, region=REGION)
        deploy(sm)
        answer = runtime.invoke_endpoint(EndpointName="churn", Body=b'{"a": 1}', ContentType="application/json")
        assert (answer["Body"].read(), answer["ContentType"]) == (b'{"a": 1}', "application/json")
        stream = runtime.invoke_endpoint_with_response_stream(EndpointName="churn", Body=b"abc")
        assert list(stream["Body"]) == [{"PayloadPart": {"Bytes": b"abc"}}]
        with pytest.raises(ClientError) as excinfo:
            runtime.invoke_endpoint(EndpointName="gone", Body=b"x")
        assert error_of(excinfo) == ("ValidationError", f"Endpoint gone of account {ACCOUNT} not found.")


def test_an_unimplemented_data_plane_operation_fails_at_once_naming_itself(sagemaker_mock):
    from sagemock.core import backend, service

    for service_name in service.DATA_PLANE:  # the first operation of a data-plane model nothing implements
        missing = sorted(set(service.operation_names_in(service_name)) - set(backend.implemented_in(service_name)))
        if missing:
            break
    else:
        pytest.skip("every data-plane operation of the installed models is implemented")
    client = boto3.client(service_name, region_name=REGION, config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as excinfo:
        getattr(client, xform_name(missing[0]))()
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error_of(excinfo) == ("NotImplemented", f"sagemock does not implement the {service.label(service_name)} "
                                                   f"operation {missing[0]}; nothing was sent to AWS. See the "
                                                   "coverage table in sagemock's docs.")


def test_an_answer_body_can_be_closed_as_botocores_streaming_body(sagemaker_client, runtime):
    deploy(sagemaker_client)
    body = runtime.invoke_endpoint(EndpointName="churn", Body=b"x")["Body"]
    assert body.read() == b"x"
    body.close()


def test_an_inference_component_answers_for_itself(sagemaker_client, sagemaker_mock, runtime):
    sagemaker_client.create_model(ModelName="llama", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sagemaker_client.create_endpoint_config(EndpointConfigName="llm", ExecutionRoleArn=ROLE, ProductionVariants=[
        {"VariantName": "AllTraffic", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}])
    sagemaker_client.create_endpoint(EndpointName="llm", EndpointConfigName="llm")
    for name in ("llama-ic", "other-ic"):
        sagemaker_client.create_inference_component(
            InferenceComponentName=name, EndpointName="llm", VariantName="AllTraffic",
            Specification={"ModelName": "llama", "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}},
            RuntimeConfig={"CopyCount": 1})
    assert runtime.invoke_endpoint(EndpointName="llm", Body=b"hi", InferenceComponentName="other-ic")[
        "Body"].read() == b"hi"
    sagemaker_mock.set_endpoint_response("llm", b"from llama", inference_component="llama-ic")
    answer = runtime.invoke_endpoint(EndpointName="llm", Body=b"hi", InferenceComponentName="llama-ic")
    assert answer["Body"].read() == b"from llama" and answer["InvokedProductionVariant"] == "AllTraffic"
    assert runtime.invoke_endpoint(EndpointName="llm", Body=b"hi", InferenceComponentName="other-ic")[
        "Body"].read() == b"hi"
    sagemaker_client.delete_inference_component(InferenceComponentName="llama-ic")
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_endpoint(EndpointName="llm", Body=b"hi", InferenceComponentName="llama-ic")
    assert error_of(excinfo) == ("ValidationError", f"Inference component llama-ic of account {ACCOUNT} not found.")
