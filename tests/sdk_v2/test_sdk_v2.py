"""User flows of the SageMaker Python SDK v2 that read what sagemock answers (issue 13's evidence)."""
from __future__ import annotations

import json

from tests.sdk_v2.conftest import IMAGE, ROLE


def estimator(session, **kwargs):
    from sagemaker.estimator import Estimator

    return Estimator(image_uri=IMAGE, role=ROLE, instance_count=1, instance_type="ml.m5.large",
                     sagemaker_session=session, output_path=f"s3://{session.default_bucket()}/out", **kwargs)


def test_estimator_attach_reads_the_jobs_description(session):
    """`Estimator.attach` reads `OutputDataConfig.KmsKeyId` unconditionally: AWS answers "" when none was
    given (and the SDK's own fixtures say so); without it attach raised KeyError."""
    from sagemaker.estimator import Estimator

    estimator(session).fit({"train": f"s3://{session.default_bucket()}/train"}, logs="None", job_name="Churn-Train")
    attached = Estimator.attach("Churn-Train", sagemaker_session=session)
    assert attached.latest_training_job.name == "Churn-Train"
    assert attached.output_kms_key == ""
    assert attached.model_data == f"s3://{session.default_bucket()}/out/Churn-Train/output/model.tar.gz"
    # The ARN keeps the job name's case (post-2022 AWS).
    description = session.describe_training_job("Churn-Train")
    assert description["TrainingJobArn"].endswith(":training-job/Churn-Train")


def test_experiment_analytics_of_a_run_without_artifacts(session):
    """`ExperimentAnalytics.dataframe()` calls `.items()` on Parameters, InputArtifacts and OutputArtifacts
    of every component Search returns: AWS returns the empty ones as {}."""
    from sagemaker.analytics import ExperimentAnalytics
    from sagemaker.experiments.run import Run

    with Run(experiment_name="churn", run_name="baseline", sagemaker_session=session) as run:
        run.log_parameter("learning_rate", 0.1)
    with Run(experiment_name="churn", run_name="bare", sagemaker_session=session):
        pass
    frame = ExperimentAnalytics(experiment_name="churn", sagemaker_session=session).dataframe()
    rows = {row["DisplayName"]: row for row in frame.to_dict("records")}
    assert set(rows) == {"churn-baseline", "churn-bare"}
    assert rows["churn-baseline"]["learning_rate"] == 0.1


def test_a_runs_logged_metrics_reach_its_trial_component_and_the_analytics(session):
    """`Run.log_metric` sends BatchPutMetrics to the sagemaker-metrics service (with the component's
    name lower-cased) when the run closes; the summaries appear on the component and as
    ExperimentAnalytics' `<metric> - <stat>` columns."""
    from sagemaker.analytics import ExperimentAnalytics
    from sagemaker.experiments.run import Run

    with Run(experiment_name="churn", run_name="Tuned", sagemaker_session=session) as run:
        for step, loss in enumerate((0.9, 0.5, 0.4)):
            run.log_metric("loss", loss, step=step)
        run.log_metric("accuracy", 0.8)
    component = session.sagemaker_client.describe_trial_component(TrialComponentName="churn-tuned")
    summaries = {summary["MetricName"]: summary for summary in component["Metrics"]}
    assert (summaries["loss"]["Count"], summaries["loss"]["Min"], summaries["loss"]["Last"]) == (3, 0.4, 0.4)
    assert summaries["accuracy"]["Max"] == 0.8
    [row] = ExperimentAnalytics(experiment_name="churn", sagemaker_session=session).dataframe().to_dict("records")
    assert (row["loss - Min"], row["loss - Max"], row["accuracy - Last"]) == (0.4, 0.9, 0.8)


def test_a_version_registered_without_containers_gets_its_source_later(session):
    """`create_model_package_from_containers` sends no InferenceSpecification when `containers is None`,
    and sets SourceUri by UpdateModelPackage after the create: AWS documents no refusal of either."""
    client = session.sagemaker_client
    client.create_model_package_group(ModelPackageGroupName="churn")
    session.create_model_package_from_containers(model_package_group_name="churn",
                                                 source_uri="s3://models/churn.tar.gz")
    [summary] = client.list_model_packages(ModelPackageGroupName="churn")["ModelPackageSummaryList"]
    package = client.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
    assert package["SourceUri"] == "s3://models/churn.tar.gz"
    assert "InferenceSpecification" not in package
    # IamIdentity is given on registry resources ("model package groups, model packages, and project entities").
    assert package["CreatedBy"]["IamIdentity"]["Arn"].startswith("arn:aws:iam::")


def test_pipeline_arns_keep_the_names_case(session):
    """A 2024 transcript: `...:pipeline/SimpleXGBoostPipeline/execution/...`, with the default experiment
    named after the pipeline in lower case."""
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.pipeline import Pipeline

    pipeline = Pipeline(name="SimpleXGBoostPipeline", steps=[FailStep(name="Stop", error_message="not yet")],
                        sagemaker_session=session)
    answer = pipeline.upsert(role_arn=ROLE)
    assert answer["PipelineArn"].endswith(":pipeline/SimpleXGBoostPipeline")
    execution = pipeline.start()
    assert ":pipeline/SimpleXGBoostPipeline/execution/" in execution.arn
    described = execution.describe()
    assert described["PipelineArn"] == answer["PipelineArn"]
    assert described["PipelineExperimentConfig"]["ExperimentName"] == "simplexgboostpipeline"
    assert described["PipelineExecutionStatus"] == "Failed"
    assert json.loads(pipeline.describe()["PipelineDefinition"])["Steps"][0]["Name"] == "Stop"


def test_a_script_processor_runs_its_code_and_describes_the_job(session, tmp_path):
    """`ScriptProcessor.run` uploads the code to S3 (moto), sends CreateProcessingJob with the code as
    an input, waits on DescribeProcessingJob and reads ProcessingResources.ClusterConfig.InstanceCount;
    `ProcessingJob.from_processing_name` reads the inputs' and outputs' LocalPath back."""
    from sagemaker.processing import ProcessingInput, ProcessingJob, ProcessingOutput, ScriptProcessor

    script = tmp_path / "prep.py"
    script.write_text("print('preparing')\n")
    bucket = session.default_bucket()
    processor = ScriptProcessor(image_uri=IMAGE, command=["python3"], role=ROLE, instance_count=1,
                                instance_type="ml.m5.xlarge", sagemaker_session=session)
    processor.run(code=str(script), inputs=[ProcessingInput(source=f"s3://{bucket}/raw",
                                                            destination="/opt/ml/processing/input")],
                  outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train",
                                            destination=f"s3://{bucket}/train")],
                  arguments=["--split", "0.2"], job_name="Churn-Prep", logs=False)
    description = processor.jobs[-1].describe()
    assert description["ProcessingJobStatus"] == "Completed"
    assert description["ProcessingJobArn"].endswith(":processing-job/Churn-Prep")
    assert description["AppSpecification"]["ContainerArguments"] == ["--split", "0.2"]
    code = next(i for i in description["ProcessingInputs"] if i["InputName"] == "code")
    assert code["S3Input"]["S3Uri"].endswith("/prep.py")
    again = ProcessingJob.from_processing_name(session, "Churn-Prep")
    assert [o.output_name for o in again.outputs] == ["train"]
    assert {i.destination for i in again.inputs} == {"/opt/ml/processing/input", "/opt/ml/processing/input/code"}


def test_a_processing_job_run_inside_a_run_joins_its_experiment(session):
    """Inside `Run`, `Processor.run` sends ExperimentConfig naming the run's experiment, its run group
    trial and the run: the job's trial component `<job>-aws-processing-job` joins that trial."""
    from sagemaker.experiments.run import Run
    from sagemaker.processing import Processor

    processor = Processor(role=ROLE, image_uri=IMAGE, instance_count=1, instance_type="ml.m5.xlarge",
                          sagemaker_session=session)
    with Run(experiment_name="churn", run_name="prep-run", sagemaker_session=session):
        processor.run(job_name="prep-in-run", logs=False)
    client = session.sagemaker_client
    job = client.describe_processing_job(ProcessingJobName="prep-in-run")
    trial = job["ExperimentConfig"]["TrialName"]
    components = client.list_trial_components(TrialName=trial)["TrialComponentSummaries"]
    assert "prep-in-run-aws-processing-job" in {c["TrialComponentName"] for c in components}


def test_a_transformer_runs_a_batch_transform_and_waits_for_it(session):
    """`Transformer.transform(wait=True)` sends CreateTransformJob for an existing model and polls
    DescribeTransformJob until the job ends; `Transformer.attach` reads the job back, with the defaults
    AWS answers for members the request left out."""
    from sagemaker.transformer import Transformer

    client = session.sagemaker_client
    bucket = session.default_bucket()
    client.create_model(ModelName="churn", ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": f"s3://{bucket}/churn/model.tar.gz"})
    transformer = Transformer(model_name="churn", instance_count=1, instance_type="ml.m5.large",
                              strategy="MultiRecord", assemble_with="Line", output_path=f"s3://{bucket}/scores",
                              max_payload=6, max_concurrent_transforms=4, sagemaker_session=session)
    transformer.transform(f"s3://{bucket}/batch", content_type="text/csv", split_type="Line",
                          job_name="Churn-Score", input_filter="$[1:]", join_source="Input", wait=True, logs=False)
    job = client.describe_transform_job(TransformJobName="Churn-Score")
    assert job["TransformJobStatus"] == "Completed"
    assert job["DataProcessing"] == {"InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$"}
    attached = Transformer.attach("Churn-Score", sagemaker_session=session)
    assert (attached.model_name, attached.strategy, attached.max_payload) == ("churn", "MultiRecord", 6)
    assert attached.output_path == f"s3://{bucket}/scores" and attached.assemble_with == "Line"
    component = client.describe_trial_component(TrialComponentName="churn-score-aws-transform-job")
    assert component["OutputArtifacts"] == {"SageMaker.TransformOutput": {"Value": f"s3://{bucket}/scores"}}


def test_an_estimators_transformer_scores_with_the_model_it_trained(session):
    """`estimator.fit(...)` then `estimator.transformer(...)` creates a model from the training job's
    image and model artifacts (CreateModel), and `transform` runs a transform job on it."""
    bucket = session.default_bucket()
    trained = estimator(session)
    trained.fit({"train": f"s3://{bucket}/train"}, logs="None", job_name="churn-train")
    transformer = trained.transformer(instance_count=1, instance_type="ml.m5.large",
                                      output_path=f"s3://{bucket}/predictions")
    transformer.transform(f"s3://{bucket}/test", content_type="text/csv", split_type="Line",
                          job_name="churn-predict", logs=False)
    client = session.sagemaker_client
    job = client.describe_transform_job(TransformJobName="churn-predict")
    assert job["TransformJobStatus"] == "Completed" and job["ModelName"] == transformer.model_name
    model = client.describe_model(ModelName=transformer.model_name)
    assert model["PrimaryContainer"]["ModelDataUrl"] == trained.model_data
    component = client.describe_trial_component(TrialComponentName="churn-predict-aws-transform-job")
    assert component["Parameters"]["SageMaker.ModelPrimary.DataUrl"] == {"StringValue": trained.model_data}

def tuner_for(session, **kwargs):
    from sagemaker.tuner import CategoricalParameter, ContinuousParameter, HyperparameterTuner, IntegerParameter

    metrics = [{"Name": "validation:auc", "Regex": "auc=(.*?);"}]
    trainer = estimator(session, metric_definitions=metrics)
    trainer.set_hyperparameters(num_round=50)
    ranges = {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(3, 9),
              "booster": CategoricalParameter(["gbtree", "dart"])}
    return HyperparameterTuner(trainer, "validation:auc", ranges, metric_definitions=metrics, max_jobs=4,
                               max_parallel_jobs=2, **kwargs)


def test_tuner_fit_best_estimator_attach_and_analytics(session, sagemaker_mock):
    """`HyperparameterTuner.fit()` waits for the tuning job; `best_estimator()` attaches to the training job the
    objective chose once the test has reported the metric; `attach` reads MaxNumberOfTrainingJobs,
    TrainingJobEarlyStoppingType, the three range lists and the metric definitions, and deletes
    `_tuning_objective_metric` from the static hyperparameters; the analytics frame lists every training job."""
    from sagemaker.analytics import HyperparameterTuningJobAnalytics
    from sagemaker.tuner import HyperparameterTuner

    tuner = tuner_for(session)
    tuner.fit({"train": f"s3://{session.default_bucket()}/train"}, job_name="Churn-Tuning")
    client = session.sagemaker_client
    assert client.describe_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="Churn-Tuning")["HyperParameterTuningJobStatus"] == "Completed"
    launched = client.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="Churn-Tuning", SortBy="CreationTime")["TrainingJobSummaries"]
    assert len(launched) == 4
    for summary, auc in zip(launched, (0.71, 0.93, 0.88, 0.65), strict=True):
        sagemaker_mock.put_training_metrics(summary["TrainingJobArn"], {"validation:auc": auc})

    assert tuner.best_training_job() == launched[1]["TrainingJobName"]
    best = tuner.best_estimator()
    assert best.latest_training_job.name == launched[1]["TrainingJobName"]
    assert best.hyperparameters()["_tuning_objective_metric"] == "validation:auc"

    attached = HyperparameterTuner.attach("Churn-Tuning", sagemaker_session=session)
    assert attached.max_jobs == 4 and attached.max_parallel_jobs == 2
    assert attached.early_stopping_type == "Off"
    assert attached.objective_metric_name == "validation:auc"
    assert set(attached.hyperparameter_ranges()) == {"ContinuousParameterRanges", "IntegerParameterRanges",
                                                     "CategoricalParameterRanges"}
    assert "_tuning_objective_metric" not in attached.estimator.hyperparameters()
    assert attached.metric_definitions == [{"Name": "validation:auc", "Regex": "auc=(.*?);"}]

    frame = HyperparameterTuningJobAnalytics("Churn-Tuning", sagemaker_session=session).dataframe()
    assert sorted(frame["FinalObjectiveValue"]) == [0.65, 0.71, 0.88, 0.93]
    assert set(frame["TrainingJobStatus"]) == {"Completed"}
    assert {"eta", "max_depth", "booster", "TrainingElapsedTimeSeconds"} <= set(frame.columns)


def test_a_built_in_algorithm_tuner_attaches_without_metric_definitions(session):
    """An image with no MetricDefinitions (a built-in algorithm's): AWS fills its own in; sagemock answers an
    empty list, which is enough for `attach`, which reads the member unconditionally."""
    from sagemaker.tuner import HyperparameterTuner, IntegerParameter

    trainer = estimator(session)
    trainer.set_hyperparameters(num_round=50)
    tuner = HyperparameterTuner(trainer, "validation:rmse", {"max_depth": IntegerParameter(3, 9)},
                                objective_type="Minimize", strategy="Random", max_jobs=2, max_parallel_jobs=2)
    tuner.fit({"train": f"s3://{session.default_bucket()}/train"}, job_name="builtin", wait=False)
    tuner.wait()
    attached = HyperparameterTuner.attach("builtin", sagemaker_session=session)
    assert attached.objective_type == "Minimize" and attached.strategy == "Random"
    assert attached.metric_definitions == []
    try:
        attached.best_training_job()
    except Exception as error:  # the SDK's own message: no training job reported the objective yet
        assert "Best training job not available" in str(error)
    else:
        raise AssertionError("a tuning job with no reported objective has no best training job")
