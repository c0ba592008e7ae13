"""The SDK v2's predictors against sagemock's runtime: `Predictor.predict` with serializers, streaming."""
from __future__ import annotations

import json

import pytest

from tests.sdk_v2.conftest import IMAGE, ROLE


def deploy(session, name="churn"):
    from sagemaker.model import Model

    model = Model(image_uri=IMAGE, model_data=f"s3://{session.default_bucket()}/model.tar.gz", role=ROLE,
                  sagemaker_session=session, name=f"{name}-model")
    model.deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name=name, wait=True)
    return name


def test_predictor_predict_round_trips_json_through_the_echo(session):
    from sagemaker.deserializers import JSONDeserializer
    from sagemaker.predictor import Predictor
    from sagemaker.serializers import JSONSerializer

    deploy(session)
    predictor = Predictor("churn", sagemaker_session=session, serializer=JSONSerializer(),
                          deserializer=JSONDeserializer())
    assert predictor.predict({"instances": [[1, 2, 3]]}) == {"instances": [[1, 2, 3]]}


def test_predictor_predict_gets_what_the_registered_model_answers(session, sagemaker_mock):
    from sagemaker.deserializers import CSVDeserializer
    from sagemaker.predictor import Predictor
    from sagemaker.serializers import CSVSerializer

    deploy(session)
    seen = []

    def model(body, content_type, headers):
        seen.append((body, content_type, headers.get("Accept")))
        return ("0.9\n0.1\n", "text/csv")

    sagemaker_mock.set_endpoint_response("churn", model)
    predictor = Predictor("churn", sagemaker_session=session, serializer=CSVSerializer(),
                          deserializer=CSVDeserializer())
    assert predictor.predict([[1, 2], [3, 4]]) == [["0.9"], ["0.1"]]
    assert seen == [(b"1,2\n3,4", "text/csv", "text/csv")]


def test_a_failing_model_raises_the_sdks_model_error(session, sagemaker_mock):
    from sagemaker.predictor import Predictor

    deploy(session)
    sagemaker_mock.set_endpoint_response("churn", lambda *args: json.loads("not json"))
    predictor = Predictor("churn", sagemaker_session=session)
    with pytest.raises(Exception) as excinfo:
        predictor.predict(b"x")
    assert type(excinfo.value).__name__ == "ModelError"
    assert excinfo.value.response["OriginalStatusCode"] == 500


def test_the_async_predictor_gets_its_result_from_the_output_path(session, sagemaker_mock):
    """An endpoint deployed with `async_inference_config`, through an AsyncPredictor: `predict_async` uploads the
    input to S3 and calls InvokeEndpointAsync; `get_result` waits for the output object sagemock
    wrote (to moto's S3) and deserializes it."""
    from sagemaker.async_inference import AsyncInferenceConfig, WaiterConfig
    from sagemaker.deserializers import JSONDeserializer
    from sagemaker.model import Model
    from sagemaker.predictor import Predictor
    from sagemaker.predictor_async import AsyncPredictor
    from sagemaker.serializers import JSONSerializer

    bucket = session.default_bucket()
    model = Model(image_uri=IMAGE, model_data=f"s3://{bucket}/model.tar.gz", role=ROLE, sagemaker_session=session,
                  name="churn-async-model")
    model.deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name="churn-async",
                 async_inference_config=AsyncInferenceConfig(output_path=f"s3://{bucket}/async-out"))
    predictor = AsyncPredictor(Predictor("churn-async", sagemaker_session=session, serializer=JSONSerializer(),
                                         deserializer=JSONDeserializer()))
    sagemaker_mock.set_endpoint_response("churn-async", lambda body, content_type, headers: (
        json.dumps({"score": len(json.loads(body)["rows"])}), "application/json"))
    response = predictor.predict_async(data={"rows": [[1, 2], [3, 4]]})
    assert response.output_path.startswith(f"s3://{bucket}/async-out/")
    assert response.get_result(WaiterConfig(max_attempts=2, delay=1)) == {"score": 2}
