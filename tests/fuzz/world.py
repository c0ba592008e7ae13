"""A small world of existing resources, one or two of every family, to fuzz requests against.

Requests drawn from the model name resources by names and ARNs the strategies sometimes take
from this world (`identifiers`), so Describe, Update, Delete and Create-in-a-parent calls reach
the backends' paths for resources that exist, not only their not-found answers.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import boto3
from botocore.config import Config

from sagemock.core import arns

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/fuzz"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fuzz:1"
DATA = "s3://fuzz-bucket/data"
PUBLIC_HUB_MODEL = f"arn:aws:sagemaker:{REGION}:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-mistral-7b"
PRODUCT = {"ProductId": "prod-abcdefghijklm"}
PIPELINE = json.dumps({
    "Version": "2020-12-01",
    "Parameters": [{"Name": "Count", "Type": "Integer", "DefaultValue": 1}],
    "Steps": [{"Name": "Train", "Type": "Training", "Arguments": {}}],
})

#: The fuzz world's private workforce (Amazon Cognito) and its work team's members: the user pool
#: and app client of the declared examples' work teams (`human_loops.FLOW_DEFINITION.example_needs`),
#: since a region's teams all come from its one workforce's pool.
COGNITO = {"UserPool": f"{REGION}_Example1", "ClientId": "client"}
MEMBERS = [{"CognitoMemberDefinition": {**COGNITO, "UserGroup": "fuzz-labelers"}}]

#: A HyperPod cluster's ARN for the global inference gateways (which do not look the cluster up).
HYPERPOD = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:cluster/fuzzcluster1"
ENDPOINT_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]})

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sagemaker:DescribeModelPackage", "Resource": "*"}]})


def client(validate: bool = False) -> Any:
    """A SageMaker client for the mock; without validation, the server-side rules answer."""
    return boto3.client(
        "sagemaker", region_name=REGION, aws_access_key_id=ACCOUNT, aws_secret_access_key="sagemock",
        config=Config(parameter_validation=validate, retries={"total_max_attempts": 1}),
    )


WAITING = json.dumps({
    "Version": "2020-12-01", "Parameters": [],
    "Steps": [{"Name": "Approve", "Type": "Callback", "Arguments": {},
               "SqsQueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/approvals",
               "OutputParameters": [{"OutputName": "verdict", "OutputType": "String"}]}],
})


def build(sm: Any, mock: Any) -> dict[str, str]:
    """Create the world through the API (each call must succeed); returns the generated identifiers
    (ARNs with ids, callback tokens) that examples refer to by name.

    Beside one resource of each kind there are resources in the states other operations need: a
    training job and a compilation job still running, a stopped notebook, an execution waiting for its
    callback and a failed one, and an experiment, trial, component and group with nothing in them.
    """
    handles: dict[str, str] = {}
    sm.create_model_package_group(ModelPackageGroupName="fuzz-group")
    handles["package"] = sm.create_model_package(
        ModelPackageGroupName="fuzz-group", ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={"Containers": [{"Image": IMAGE, "ModelDataUrl": f"{DATA}/model.tar.gz",
                                                "Framework": "PYTORCH", "FrameworkVersion": "2.0"}],
                                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
    )["ModelPackageArn"]
    sm.put_model_package_group_policy(ModelPackageGroupName="fuzz-group", ResourcePolicy=POLICY)
    sm.create_model_package_group(ModelPackageGroupName="fuzz-empty-group")
    sm.create_algorithm(AlgorithmName="fuzz-algo", TrainingSpecification={
        "TrainingImage": IMAGE, "SupportedTrainingInstanceTypes": ["ml.m5.large"],
        "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"], "SupportedInputModes": ["File"]}]})

    sm.create_experiment(ExperimentName="fuzz-exp")
    sm.create_trial(TrialName="fuzz-trial", ExperimentName="fuzz-exp")
    sm.create_trial_component(TrialComponentName="fuzz-tc")
    sm.associate_trial_component(TrialComponentName="fuzz-tc", TrialName="fuzz-trial")
    sm.create_experiment(ExperimentName="fuzz-lonely-exp")
    sm.create_trial(TrialName="fuzz-lonely-trial", ExperimentName="fuzz-exp")
    sm.create_trial_component(TrialComponentName="fuzz-lonely-tc")

    handles["action"] = sm.create_action(ActionName="fuzz-action", Source={"SourceUri": DATA},
                                         ActionType="Training")["ActionArn"]
    handles["context"] = sm.create_context(ContextName="fuzz-context", Source={"SourceUri": DATA},
                                           ContextType="Endpoint")["ContextArn"]
    handles["artifact"] = sm.create_artifact(ArtifactName="fuzz-artifact", Source={"SourceUri": f"{DATA}/train.csv"},
                                             ArtifactType="DataSet")["ArtifactArn"]
    sm.add_association(SourceArn=handles["artifact"], DestinationArn=handles["action"])
    sm.add_association(SourceArn=handles["action"], DestinationArn=handles["context"])

    sm.create_model(ModelName="fuzz-model", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": IMAGE, "ModelDataUrl": f"{DATA}/model.tar.gz"})
    for config in ("fuzz-config", "fuzz-config-2"):
        sm.create_endpoint_config(EndpointConfigName=config, ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": "fuzz-model", "InstanceType": "ml.m5.large",
             "InitialInstanceCount": 1}])
    sm.create_endpoint(EndpointName="fuzz-endpoint", EndpointConfigName="fuzz-config")

    sm.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="fuzz-lc",
                                                 OnStart=[{"Content": "ZWNobyBoaQ=="}])
    sm.create_notebook_instance(NotebookInstanceName="fuzz-notebook", InstanceType="ml.t3.medium", RoleArn=ROLE,
                                LifecycleConfigName="fuzz-lc")
    sm.create_notebook_instance(NotebookInstanceName="fuzz-stopped", InstanceType="ml.t3.medium", RoleArn=ROLE)
    sm.stop_notebook_instance(NotebookInstanceName="fuzz-stopped")

    sm.create_model_card(ModelCardName="fuzz-card", Content="{}", ModelCardStatus="Draft")
    handles["export"] = sm.create_model_card_export_job(
        ModelCardName="fuzz-card", ModelCardExportJobName="fuzz-export",
        OutputConfig={"S3OutputPath": f"{DATA}/exports"})["ModelCardExportJobArn"]

    sm.create_project(ProjectName="fuzz-project", ServiceCatalogProvisioningDetails=PRODUCT)
    handles["pipeline"] = sm.create_pipeline(PipelineName="fuzz-pipeline", PipelineDefinition=PIPELINE,
                                             RoleArn=ROLE)["PipelineArn"]
    handles["execution"] = sm.start_pipeline_execution(PipelineName="fuzz-pipeline")["PipelineExecutionArn"]
    mock.fail_next("pipeline/execution/step", "planned by the fuzz world", name="Train")
    handles["failed-execution"] = sm.start_pipeline_execution(PipelineName="fuzz-pipeline")["PipelineExecutionArn"]
    sm.create_pipeline(PipelineName="fuzz-waiting", PipelineDefinition=WAITING, RoleArn=ROLE)
    handles["waiting-execution"] = sm.start_pipeline_execution(PipelineName="fuzz-waiting")["PipelineExecutionArn"]
    [step] = sm.list_pipeline_execution_steps(PipelineExecutionArn=handles["waiting-execution"])[
        "PipelineExecutionSteps"]
    handles["callback-token"] = step["Metadata"]["Callback"]["CallbackToken"]

    for job in ("fuzz-training", "fuzz-running"):
        handles[job] = sm.create_training_job(
            TrainingJobName=job, RoleArn=ROLE,
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": f"{DATA}/out"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 3600})["TrainingJobArn"]
    mock.set_status(handles["fuzz-running"], "InProgress")
    for job in ("fuzz-compilation", "fuzz-compiling"):
        handles[job] = sm.create_compilation_job(
            CompilationJobName=job, RoleArn=ROLE,
            InputConfig={"S3Uri": f"{DATA}/model.tar.gz", "Framework": "PYTORCH",
                         "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
            OutputConfig={"S3OutputLocation": f"{DATA}/compiled", "TargetDevice": "ml_c5"},
            StoppingCondition={"MaxRuntimeInSeconds": 900})["CompilationJobArn"]
    mock.set_status(handles["fuzz-compiling"], "INPROGRESS")
    sm.create_workforce(WorkforceName="fuzz-workforce", CognitoConfig=COGNITO)
    handles["workteam"] = sm.create_workteam(WorkteamName="fuzz-team", Description="fuzz labelers",
                                             MemberDefinitions=MEMBERS)["WorkteamArn"]
    build_declared(sm, mock, handles)
    _training_plans(sm, mock, handles)
    # The declared monitoring schedule's default alert, raised by a failed execution.
    mock.fail_next("processing-job", "planned by the fuzz world")
    handles["monitoring-execution"] = mock.run_monitoring_schedule(handles["MonitoringSchedule"])
    # Two versions of the declared image "custom-kernel": one with an alias, one to delete.
    for alias in ("stable", "old"):
        handles[f"image-version-{alias}"] = sm.create_image_version(
            ImageName="custom-kernel", BaseImage=IMAGE, Aliases=[alias],
            ClientToken=f"fuzz-image-version-{alias}")["ImageVersionArn"]
    # A hub of its own for hub content (the declared hub's example is deleted, which content refuses):
    # two versions of a model, a notebook, and a reference to a public hub model.
    sm.create_hub(HubName="fuzz-content-hub", HubDescription="hub content of the fuzz world")
    for version in ("1.0.0", "2.0.0"):
        sm.import_hub_content(HubName="fuzz-content-hub", HubContentType="Model", HubContentName="fuzz-hub-model",
                              HubContentVersion=version, DocumentSchemaVersion="2.0.0", HubContentDocument="{}")
    sm.create_hub_content_reference(HubName="fuzz-content-hub", SageMakerPublicHubContentArn=PUBLIC_HUB_MODEL,
                                    HubContentName="fuzz-reference")
    sm.create_hub_content_reference(HubName="fuzz-content-hub", SageMakerPublicHubContentArn=PUBLIC_HUB_MODEL,
                                    HubContentName="fuzz-reference-to-delete")
    _model_monitor_configs(sm, handles)
    _leaderboards(sm, handles)
    return handles


#: The fuzz world's model monitor configuration's Eval Criteria (a hub content ARN).
EVAL_CRITERIA = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/fuzz-evals/JsonDoc/helpfulness/1.0.0"
MONITOR_CONFIG = {"ModelMonitorConfigName": "fuzz-monitor",
                  "MonitoringSource": {"SageMakerEndpoint": {"EndpointName": "fuzz-endpoint"}},
                  "EvaluationConfig": {"EvalCriteria": {"EvalCriteriaArn": EVAL_CRITERIA,
                                                        "Sampling": {"SamplingPercentage": 10.0}}},
                  "ScheduleConfig": {"ScheduleExpression": "NOW"}, "RoleArn": ROLE}


def _model_monitor_configs(sm: Any, handles: dict[str, str]) -> None:
    """A model monitor configuration that ran once (NOW); the time its execution was scheduled at
    (the declared example, made by `build_declared`, is the one to delete)."""
    if "CreateModelMonitorConfig" not in sm.meta.service_model.operation_names:
        return  # an older model (botocore 1.35)
    sm.create_model_monitor_config(**MONITOR_CONFIG)
    [execution] = sm.list_model_monitor_executions(ModelMonitorConfigNameOrArn="fuzz-monitor")[
        "ModelMonitorExecutionSummaries"]
    handles["model-monitor-execution"] = execution["ScheduledAt"].isoformat()


def build_declared(sm: Any, mock: Any, handles: dict[str, str]) -> None:
    """One resource of each declared resource (`core.resource`) the world lacks, from its example,
    and, where its lifecycle can stop or start, one more in the status each is accepted from."""
    from botocore import xform_name

    from sagemock.core import backend
    from sagemock.core.resource import RESOURCES, resolve

    backend.load_all()
    held = {arns.kind(arn) for store in mock.state.stores.values() for arn in store.resources}
    for noun, declared in sorted(RESOURCES.items()):
        bound = declared.bound
        if bound.kind in held:
            continue
        answers: dict[str, dict[str, Any]] = {}
        for operation, params in declared.example_needs:
            try:
                answers[operation] = getattr(sm, xform_name(operation))(**resolve(params, answers))
            except Exception:  # noqa: BLE001 (what another declaration's needs already made)
                pass
        example = resolve(dict(declared.example), answers)
        naming = declared.named_by or bound.name
        name = example[naming]
        create = getattr(sm, xform_name(bound.operations["Create"]))
        answer = create(**example)
        key = bound.made_key(example, answer)
        handles[noun] = _arn_of(sm, declared, key)
        # The example as sent, and the key of what it made, for `examples.declared_examples`.
        handles[f"example:{noun}"] = json.dumps(example)
        handles[f"key:{noun}"] = json.dumps(key)
        lifecycle = declared.lifecycle
        for trigger in ("stop", "start"):
            if lifecycle is None or trigger not in lifecycle.accepts or trigger.capitalize() not in bound.operations:
                continue
            made = create(**declared.renamed(example, f"{name}-{trigger}"))
            made_key = bound.made_key(declared.renamed(example, f"{name}-{trigger}"), made)
            handles[f"key:{noun}:{trigger}"] = json.dumps(made_key)
            mock.set_status(_arn_of(sm, declared, made_key), lifecycle.accepts[trigger][0])
    _clusters(sm, handles)
    _edge(sm)


def _edge(sm: Any) -> None:
    """Devices in the declared deployment plan's fleet, the plan's example stage deployed (to stop),
    and a stage ready to deploy (to start and delete)."""
    sm.register_devices(DeviceFleetName="fleet-for-plans", Devices=[
        {"DeviceName": "fuzz-device-1"}, {"DeviceName": "fuzz-device-2", "Description": "second"}])
    sm.create_edge_deployment_stage(EdgeDeploymentPlanName="rollout", Stages=[
        {"StageName": "fuzz-stage", "DeviceSelectionConfig": {"DeviceSubsetType": "NAMECONTAINS",
                                                             "DeviceNameContains": "device"}}])
    sm.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="canary")
    _gateways(sm)


def _gateways(sm: Any) -> None:
    """A global inference gateway with two in-cluster gateways (one may be removed, not the last),
    and a policy on the world's endpoint (newer models only)."""
    if "CreateGlobalInferenceGateway" not in sm.meta.service_model.operation_names:
        return  # an older model (botocore 1.35) has neither gateways nor endpoint policies
    sm.create_global_inference_gateway(Name="fuzz-gateway", ExecutionRoleArn=ROLE, Gateways=[
        {"Name": name, "Namespace": "default", "ClusterArn": HYPERPOD} for name in ("fuzz-igw", "fuzz-igw-2")])
    sm.put_endpoint_policy(EndpointName="fuzz-endpoint", ResourcePolicy=ENDPOINT_POLICY)


def _clusters(sm: Any, handles: dict[str, str]) -> None:
    """A node of the declared example's cluster ("trainers"), and an EKS cluster with Continuous
    provisioning, the only kind that takes BatchAddClusterNodes and keeps events."""
    node = sm.list_cluster_nodes(ClusterName="trainers")["ClusterNodeSummaries"][0]
    handles["cluster-node"] = node["InstanceId"]
    if "ListClusterEvents" not in sm.meta.service_model.operation_names:
        return  # an older model (botocore 1.35): no Continuous provisioning, no events
    eks = sm.create_cluster(ClusterName="fuzz-eks", NodeProvisioningMode="Continuous",
                            Orchestrator={"Eks": {"ClusterArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/fuzz"}},
                            InstanceGroups=[{"InstanceGroupName": group, "InstanceType": "ml.t3.medium",
                                             "InstanceCount": 1, "ExecutionRole": ROLE}
                                            for group in ("workers", "spare")])["ClusterArn"]
    handles["cluster-event"] = sm.list_cluster_events(ClusterName="fuzz-eks")["Events"][0]["EventId"]
    if "MoveClusterNodes" not in sm.meta.service_model.operation_names:
        return
    # An EKS node with a volume attached (to detach), and a cluster operation (a deep health check).
    handles["eks-cluster"] = eks
    handles["eks-node"] = sm.list_cluster_nodes(ClusterName="fuzz-eks", InstanceGroupNameContains="workers")[
        "ClusterNodeSummaries"][0]["InstanceId"]
    sm.attach_cluster_node_volume(ClusterArn=eks, NodeId=handles["eks-node"], VolumeId="vol-0fedcba9876543210")
    sm.start_cluster_health_check(ClusterName="fuzz-eks", DeepHealthCheckConfigurations=[
        {"InstanceGroupName": "workers", "DeepHealthChecks": ["InstanceStress"]}])
    handles["cluster-operation"] = sm.list_cluster_operations(ClusterName="fuzz-eks")[
        "ClusterOperationSummaries"][0]["OperationId"]
    if "CreateClusterExtension" in sm.meta.service_model.operation_names:
        handles["extension"] = sm.create_cluster_extension(ClusterArn=eks, ExtensionName="sagemaker-observability",
                                                           ConfigurationValues='{"level": "BASIC"}')["ExtensionArn"]


def _training_plans(sm: Any, mock: Any, handles: dict[str, str]) -> None:
    """The declared training plan's reserved capacity and an extension offering to buy
    (`build_declared` bought the plan from its example's offering), a stopped training session to
    delete (the declared example's runs), and a SageMaker Capacity Reservation AWS gave the account."""
    operations = sm.meta.service_model.operation_names
    if "DescribeCapacityReservation" in operations:
        handles["capacity-reservation"] = mock.add_capacity_reservation(
            "ml.p5.48xlarge", 2, mock.state.clock.now(), None)
    if "CreateTrainingPlan" not in operations:
        return  # an older model (botocore 1.35): no training plans, no training sessions
    handles["plan"] = handles["TrainingPlan"]
    plan = sm.describe_training_plan(TrainingPlanName=handles["plan"])
    handles["reserved-capacity"] = plan["ReservedCapacitySummaries"][0]["ReservedCapacityArn"]
    handles["extension-offering"] = sm.search_training_plan_offerings(TrainingPlanArn=handles["plan"])[
        "TrainingPlanExtensionOfferings"][0]["TrainingPlanExtensionOfferingId"]
    session = {"RoleArn": ROLE, "LoraConfig": {"Rank": 8, "Alpha": 16},
               "ModelConfig": {"BaseModelArn": PUBLIC_HUB_MODEL}, "OutputConfig": {"S3Location": {"Path": DATA}}}
    sm.create_training_session(TrainingSessionName="fuzz-session-stopped", **session)
    sm.stop_training_session(TrainingSessionName="fuzz-session-stopped")


def _arn_of(sm: Any, declared: Any, key: dict[str, Any]) -> str:
    from botocore import xform_name

    bound = declared.bound
    read = bound.operations.get("Describe") or bound.operations["Get"]
    return str(bound.unwrap(getattr(sm, xform_name(read))(**key))[bound.arn])


def identifiers(arns_held: Iterable[str]) -> dict[str, list[str]]:
    """Resource kind (`arns.kind` with `-` for `/`) -> the ARNs of the world's resources of that kind
    and the names they end in, and for each kind a name and an ARN that name nothing."""
    found: dict[str, list[str]] = {}
    for arn in arns_held:
        parsed = arns.parse(arn)
        kind = arns.kind(arn)
        if parsed is None or kind is None:
            continue
        found.setdefault(kind.replace("/", "-"), []).extend([arn, parsed.resource.rsplit("/", 1)[-1]])
    for kind, held in found.items():
        held += ["fuzz-missing", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/fuzz-missing"]
    return found


#: JSON documents for the members that take one, so that some creates get past parsing them.
DOCUMENTS = {
    "Content": ["{}", json.dumps({"model_overview": {"model_name": "fuzz"}})],
    "PipelineDefinition": [PIPELINE],
    "ResourcePolicy": [POLICY],
    "DataInputConfig": ['{"input0": [1, 3, 224, 224]}'],
}


#: A candidate of the fuzz world's leaderboard: one of your models, evaluated once.
CANDIDATE = {"CandidateConfig": {"CustomerModelConfig": {"ModelRef": "fuzz-model", "EvalCriteriaArn": EVAL_CRITERIA}},
             "EvaluationResults": [{"CriterionName": "quality", "Metrics": {"accuracy": 0.9},
                                    "RecordedAt": "2024-01-01T00:00:00Z"}]}


def _leaderboards(sm: Any, handles: dict[str, str]) -> None:
    """A leaderboard with a candidate (the declared example, made by `build_declared`, is the empty one
    to delete)."""
    if "CreateLeaderboard" not in sm.meta.service_model.operation_names:
        return  # an older model (botocore 1.35)
    handles["leaderboard"] = sm.create_leaderboard(Name="fuzz-board", Type="CUSTOMER_MODEL")["Arn"]
    handles["candidate"] = sm.add_candidate(LeaderboardArn=handles["leaderboard"], **CANDIDATE)["CandidateId"]
