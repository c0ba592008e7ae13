"""The SDK v2's abalone-style pipeline (preprocess -> train -> evaluate -> condition -> create model and
register) against sagemock: each step creates its resource, and the registered version's model data
is the training job's artifact."""
from __future__ import annotations

from tests.sdk_v2.conftest import IMAGE, ROLE

GROUP = "AbaloneModelPackageGroup"


def abalone_pipeline(session, name="AbalonePipeline"):
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model import Model
    from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import JsonGet
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterInteger, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.pipeline_context import PipelineSession
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.steps import ProcessingStep, TrainingStep

    bucket = session.default_bucket()
    pipeline_session = PipelineSession(boto_session=session.boto_session, default_bucket=bucket)
    instance_count = ParameterInteger(name="ProcessingInstanceCount", default_value=1)
    input_data = ParameterString(name="InputData", default_value=f"s3://{bucket}/abalone/abalone-dataset.csv")
    approval = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")

    processor = Processor(role=ROLE, image_uri=IMAGE, instance_count=instance_count, instance_type="ml.m5.xlarge",
                          entrypoint=["python3", "/opt/ml/code/preprocess.py"], sagemaker_session=pipeline_session)
    step_process = ProcessingStep(name="AbaloneProcess", step_args=processor.run(
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
        outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
                 ProcessingOutput(output_name="test", source="/opt/ml/processing/test")]))

    estimator = Estimator(image_uri=IMAGE, role=ROLE, instance_count=1, instance_type="ml.m5.xlarge",
                          output_path=f"s3://{bucket}/AbaloneTrain", sagemaker_session=pipeline_session)
    estimator.set_hyperparameters(objective="reg:linear", num_round=50)
    step_train = TrainingStep(name="AbaloneTrain", step_args=estimator.fit(inputs={"train": TrainingInput(
        s3_data=step_process.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
        content_type="text/csv")}))

    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluator = Processor(role=ROLE, image_uri=IMAGE, instance_count=1, instance_type="ml.m5.xlarge",
                          entrypoint=["python3", "/opt/ml/code/evaluate.py"], sagemaker_session=pipeline_session)
    step_eval = ProcessingStep(name="AbaloneEval", property_files=[report], step_args=evaluator.run(
        inputs=[ProcessingInput(source=step_train.properties.ModelArtifacts.S3ModelArtifacts,
                                destination="/opt/ml/processing/model"),
                ProcessingInput(source=step_process.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri,
                                destination="/opt/ml/processing/test")],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")]))

    model = Model(image_uri=IMAGE, model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts,
                  role=ROLE, sagemaker_session=pipeline_session)
    step_create = ModelStep(name="AbaloneCreateModel", step_args=model.create(instance_type="ml.m5.large"))
    step_register = ModelStep(name="AbaloneRegisterModel", step_args=model.register(
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.t2.medium"],
        transform_instances=["ml.m5.large"], model_package_group_name=GROUP, approval_status=approval))
    step_cond = ConditionStep(
        name="AbaloneMSECond",
        conditions=[ConditionLessThanOrEqualTo(
            left=JsonGet(step_name=step_eval.name, property_file=report, json_path="regression_metrics.mse.value"),
            right=6.0)],
        if_steps=[step_create, step_register],
        else_steps=[FailStep(name="AbaloneMSEFail", error_message="MSE above the threshold")])
    return Pipeline(name=name, parameters=[instance_count, input_data, approval],
                    steps=[step_process, step_train, step_eval, step_cond], sagemaker_session=pipeline_session)


def test_the_abalone_pipeline_registers_the_model_it_trained(session):
    pipeline = abalone_pipeline(session)
    pipeline.upsert(role_arn=ROLE)
    execution = pipeline.start(parameters={"ProcessingInstanceCount": 2})
    execution.wait(delay=1, max_attempts=3)  # already done: the waiter's first look succeeds
    assert execution.describe()["PipelineExecutionStatus"] == "Succeeded"
    listed = {step["StepName"]: step for step in execution.list_steps()}
    assert {name: step["StepStatus"] for name, step in listed.items()} == {
        "AbaloneProcess": "Succeeded", "AbaloneTrain": "Succeeded", "AbaloneEval": "Succeeded",
        "AbaloneMSECond": "Succeeded", "AbaloneCreateModel-CreateModel": "Succeeded",
        "AbaloneRegisterModel-RegisterModel": "Succeeded"}

    sm = session.sagemaker_client
    process = sm.describe_processing_job(
        ProcessingJobName=listed["AbaloneProcess"]["Metadata"]["ProcessingJob"]["Arn"].rsplit("/", 1)[1])
    assert process["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 2  # the parameter's value
    train = sm.describe_training_job(
        TrainingJobName=listed["AbaloneTrain"]["Metadata"]["TrainingJob"]["Arn"].rsplit("/", 1)[1])
    assert train["TrainingJobStatus"] == "Completed"
    assert train["HyperParameters"]["num_round"] == "50"
    [channel] = train["InputDataConfig"]
    train_output = [o for o in process["ProcessingOutputConfig"]["Outputs"] if o["OutputName"] == "train"][0]
    assert channel["DataSource"]["S3DataSource"]["S3Uri"] == train_output["S3Output"]["S3Uri"]
    artifact = train["ModelArtifacts"]["S3ModelArtifacts"]
    assert artifact.startswith(f"s3://{session.default_bucket()}/AbaloneTrain/{train['TrainingJobName']}/")

    evaluation = sm.describe_processing_job(
        ProcessingJobName=listed["AbaloneEval"]["Metadata"]["ProcessingJob"]["Arn"].rsplit("/", 1)[1])
    model_input = [i for i in evaluation["ProcessingInputs"] if i["S3Input"]["LocalPath"] == "/opt/ml/processing/model"]
    assert model_input[0]["S3Input"]["S3Uri"] == artifact

    model = sm.describe_model(ModelName=listed["AbaloneCreateModel-CreateModel"]["Metadata"]["Model"]["Arn"].rsplit("/", 1)[1])
    assert model["PrimaryContainer"]["ModelDataUrl"] == artifact

    [version] = sm.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
    assert listed["AbaloneRegisterModel-RegisterModel"]["Metadata"] == {
        "RegisterModel": {"Arn": version["ModelPackageArn"]}}
    package = sm.describe_model_package(ModelPackageName=version["ModelPackageArn"])
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == artifact
    assert package["InferenceSpecification"]["SupportedContentTypes"] == ["text/csv"]


def test_a_failed_training_job_fails_the_sdk_pipeline(session, sagemaker_mock):
    pipeline = abalone_pipeline(session, name="AbaloneFails")
    pipeline.upsert(role_arn=ROLE)
    sagemaker_mock.fail_next("training-job", reason="AlgorithmError: out of memory")
    execution = pipeline.start()
    described = execution.describe()
    assert (described["PipelineExecutionStatus"], described["FailureReason"]) == \
        ("Failed", "Step failure: One or multiple steps failed.")
    listed = {step["StepName"]: step for step in execution.list_steps()}
    assert set(listed) == {"AbaloneProcess", "AbaloneTrain"}
    assert listed["AbaloneTrain"]["FailureReason"] == "AlgorithmError: out of memory"
    assert session.sagemaker_client.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"] == []


def test_the_condition_reads_the_evaluation_report_the_processing_job_wrote(session, sagemaker_mock):
    """`JsonGet` on the evaluation step's property file reads `evaluation.json` from the step's
    output in (moto's) S3, as the test's content put it there: an MSE above the threshold takes the
    else branch, whose FailStep fails the execution."""
    report = b'{"regression_metrics": {"mse": {"value": 7.5, "standard_deviation": 1.2}}}'
    sagemaker_mock.set_job_artifact("processing-job", lambda job: {"evaluation": {"evaluation.json": report}})
    pipeline = abalone_pipeline(session, name="AbaloneTooCoarse")
    pipeline.upsert(role_arn=ROLE)
    execution = pipeline.start()
    assert execution.describe()["PipelineExecutionStatus"] == "Failed"
    statuses = {step["StepName"]: step["StepStatus"] for step in execution.list_steps()}
    assert statuses["AbaloneMSECond"] == "Succeeded" and statuses["AbaloneMSEFail"] == "Failed"
    assert "AbaloneRegisterModel-RegisterModel" not in statuses
    [condition] = [step for step in execution.list_steps() if step["StepName"] == "AbaloneMSECond"]
    assert condition["Metadata"]["Condition"]["Outcome"] == "False"
