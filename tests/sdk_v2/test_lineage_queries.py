"""AWS's multi-hop lineage notebook against sagemock: train, register, deploy, then the SDK's lineage
queries (aws/amazon-sagemaker-examples, sagemaker-lineage-multihop-queries_outputs.ipynb, whose
recorded outputs are the answers expected here)."""
from __future__ import annotations

import pytest

from tests.sdk_v2.conftest import BUCKET, IMAGE, ROLE

TRAIN = f"s3://{BUCKET}/experiments-demo/train.csv"
VALIDATION = f"s3://{BUCKET}/experiments-demo/validation.csv"


@pytest.fixture
def deployed(session, monkeypatch):
    """The notebook's flow: an estimator trained on two channels, registered as an approved version
    of a new group, the version deployed to an endpoint."""
    import sagemaker.session
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput

    monkeypatch.setattr(sagemaker.session.time, "sleep", lambda seconds: None)
    estimator = Estimator(image_uri=IMAGE, role=ROLE, instance_count=1, instance_type="ml.m5.large",
                          sagemaker_session=session, output_path=f"s3://{BUCKET}/multihop-example/xgb_model",
                          base_job_name="sagemaker-xgboost")
    estimator.fit({"train": TrainingInput(TRAIN, content_type="text/csv"),
                   "validation": TrainingInput(VALIDATION, content_type="text/csv")},
                  job_name="sagemaker-xgboost-lineage", logs="None")
    session.sagemaker_client.create_model_package_group(ModelPackageGroupName="lineage-test")
    package = estimator.register(model_package_group_name="lineage-test", content_types=["text/csv"],
                                 response_types=["text/csv"], inference_instances=["ml.m5.xlarge"],
                                 transform_instances=["ml.m5.xlarge"], approval_status="Approved")
    package.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge", endpoint_name="lineage-test-endpoint")
    return estimator, package


def test_the_model_artifact_of_a_registered_version(session, deployed):
    """`ModelArtifact.dataset_artifacts()`, `training_job_arns()` and `endpoint_contexts()` on the
    artifact `Artifact.list(source_uri=<package ARN>)` finds."""
    from sagemaker.lineage.artifact import Artifact, ModelArtifact

    estimator, package = deployed
    [summary] = list(Artifact.list(source_uri=package.model_package_arn, sagemaker_session=session))
    model_artifact = ModelArtifact.load(artifact_arn=summary.artifact_arn, sagemaker_session=session)
    assert model_artifact.artifact_type == "Model"
    assert sorted(dataset.source.source_uri for dataset in model_artifact.dataset_artifacts()) == [TRAIN, VALIDATION]
    assert model_artifact.training_job_arns() == [estimator.latest_training_job.describe()["TrainingJobArn"]]
    endpoint_arn = session.sagemaker_client.describe_endpoint(EndpointName="lineage-test-endpoint")["EndpointArn"]
    assert [context.source.source_uri for context in model_artifact.endpoint_contexts()] == [endpoint_arn]


def test_the_queries_from_the_endpoint(session, deployed):
    """`LineageFilter(sources=[MODEL])` from the endpoint's context finds the package and its model
    data; `EndpointContext.dataset_artifacts()` and `training_job_arns()` reach the training job."""
    from sagemaker.lineage.context import Context, EndpointContext
    from sagemaker.lineage.query import (
        LineageEntityEnum,
        LineageFilter,
        LineageQuery,
        LineageQueryDirectionEnum,
        LineageSourceEnum,
    )

    estimator, package = deployed
    endpoint_arn = session.sagemaker_client.describe_endpoint(EndpointName="lineage-test-endpoint")["EndpointArn"]
    [summary] = list(Context.list(source_uri=endpoint_arn, sagemaker_session=session))
    endpoint_context = EndpointContext.load(context_name=summary.context_name, sagemaker_session=session)
    query = LineageQuery(session)

    def reached(entity, source):
        return query.query(start_arns=[endpoint_context.context_arn],
                           query_filter=LineageFilter(entities=[entity], sources=[source]),
                           direction=LineageQueryDirectionEnum.ASCENDANTS, include_edges=False).vertices

    models = [vertex.to_lineage_object().source.source_uri
              for vertex in reached(LineageEntityEnum.ARTIFACT, LineageSourceEnum.MODEL)]
    assert sorted(models) == sorted([package.model_package_arn, estimator.model_data])
    datasets = [vertex.to_lineage_object().source.source_uri
                for vertex in reached(LineageEntityEnum.ARTIFACT, LineageSourceEnum.DATASET)]
    assert sorted(datasets) == [TRAIN, VALIDATION]
    [component] = reached(LineageEntityEnum.TRIAL_COMPONENT, LineageSourceEnum.TRAINING_JOB)
    assert component.arn.endswith(":experiment-trial-component/sagemaker-xgboost-lineage-aws-training-job")
    job_arn = estimator.latest_training_job.describe()["TrainingJobArn"]
    assert sorted(dataset.source.source_uri for dataset in endpoint_context.dataset_artifacts()) == [TRAIN, VALIDATION]
    assert endpoint_context.training_job_arns() == [job_arn]
    # `models()` lists associations from the endpoint's context to a ModelDeployment action and on to a
    # Model: the reverse of the direction AWS records (artifact -> action -> context, the direction the
    # notebook's Ascendants queries walk), so it finds nothing here, as the recorded graph implies.
    assert endpoint_context.models() == []


def test_the_model_package_group_context(session, deployed):
    """The group's context (`ModelPackageGroup`, typed `ModelGroup`) holds the registered version."""
    from sagemaker.lineage.association import Association
    from sagemaker.lineage.context import Context, ModelPackageGroup

    _, package = deployed
    group_arn = session.sagemaker_client.describe_model_package_group(
        ModelPackageGroupName="lineage-test")["ModelPackageGroupArn"]
    [summary] = list(Context.list(source_uri=group_arn, sagemaker_session=session))
    group = ModelPackageGroup.load(context_name=summary.context_name, sagemaker_session=session)
    assert group.context_type == "ModelGroup"
    [member] = list(Association.list(destination_arn=group.context_arn, sagemaker_session=session))
    assert member.source_type == "Model" and member.association_type == "AssociatedWith"
    described = session.sagemaker_client.describe_artifact(ArtifactArn=member.source_arn)
    assert described["Source"]["SourceUri"] == package.model_package_arn


def test_a_version_a_pipeline_registered_reaches_the_pipelines_data(session):
    """The abalone pipeline (process -> train -> register): the registered version's artifact reaches
    the training job and, through the processing job that wrote the training data, the raw input."""
    from sagemaker.lineage.artifact import Artifact, ModelArtifact

    from tests.sdk_v2.test_pipeline_steps import GROUP, abalone_pipeline

    pipeline = abalone_pipeline(session)
    pipeline.upsert(role_arn=ROLE)
    execution = pipeline.start()
    assert execution.describe()["PipelineExecutionStatus"] == "Succeeded"
    steps = {step["StepName"]: step for step in execution.list_steps()}
    sm = session.sagemaker_client
    [version] = sm.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
    [summary] = list(Artifact.list(source_uri=version["ModelPackageArn"], sagemaker_session=session))
    model_artifact = ModelArtifact.load(artifact_arn=summary.artifact_arn, sagemaker_session=session)
    train_arn = steps["AbaloneTrain"]["Metadata"]["TrainingJob"]["Arn"]
    assert model_artifact.training_job_arns() == [train_arn]
    [channel] = sm.describe_training_job(TrainingJobName=train_arn.rsplit("/", 1)[1])["InputDataConfig"]
    assert sorted(dataset.source.source_uri for dataset in model_artifact.dataset_artifacts()) == sorted([
        channel["DataSource"]["S3DataSource"]["S3Uri"], f"s3://{BUCKET}/abalone/abalone-dataset.csv"])
