"""A request of every implemented operation that succeeds against the fuzz world (`world.build`).

Drawn requests that satisfy the input shape mostly meet AWS's prose rules and the references between
resources at random; each example meets them by construction, so every operation is shown to succeed
(`test_every_example_succeeds`), drawn requests grow from the examples (`test_operations`), and the
input-member ledger (`tests/test_members.py`) sees what each operation does with each member.
`h` holds the identifiers the world generated (ARNs with ids, a callback token).
"""
from __future__ import annotations

import json
from typing import Any

from tests.fuzz import world
from tests.fuzz.world import (
    ACCOUNT,
    COGNITO,
    DATA,
    ENDPOINT_POLICY,
    HYPERPOD,
    IMAGE,
    MEMBERS,
    PIPELINE,
    POLICY,
    PRODUCT,
    PUBLIC_HUB_MODEL,
    ROLE,
)

Params = dict[str, Any]

SCRIPT = "ZWNobyBzdGFydA=="  # base64 of "echo start"
CONTAINER = {"Image": IMAGE, "ModelDataUrl": f"{DATA}/model.tar.gz"}
VARIANT = {"VariantName": "AllTraffic", "ModelName": "fuzz-model", "InstanceType": "ml.m5.large",
           "InitialInstanceCount": 1}
TRAINING_SPEC = {"TrainingImage": IMAGE, "SupportedTrainingInstanceTypes": ["ml.m5.large"],
                 "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"],
                                       "SupportedInputModes": ["File"]}]}
#: The model of the fuzz world's hub content.
HUB_MODEL = {"HubName": "fuzz-content-hub", "HubContentType": "Model", "HubContentName": "fuzz-hub-model"}
#: An in-cluster inference gateway of the world's HyperPod cluster (name it).
GATEWAY_MEMBER = {"Namespace": "default", "ClusterArn": HYPERPOD}
TOKEN = "fuzz-example-client-request-token-0001"  # ClientRequestToken: 32 characters at least

#: Operation -> requests sent before its example (and every request grown from it), for an example
#: the world as built cannot meet: a region holds one workforce, and a workforce with work teams is
#: not deleted, yet the world holds one with a team for the operations that read and use them.
#: The world's work teams: its own, and those the declared flow definition's and labeling job's examples need.
_TEAMS = [("DeleteWorkteam", {"WorkteamName": team}) for team in ("fuzz-team", "reviewers", "labelers")]
SETUP: dict[str, list[tuple[str, Params]]] = {
    "CreateWorkforce": [*_TEAMS, ("DeleteWorkforce", {"WorkforceName": "fuzz-workforce"})],
    "DeleteWorkforce": _TEAMS,
}


def examples(h: dict[str, str]) -> dict[str, Params]:
    """Operation -> a request that succeeds against the world whose identifiers `h` holds: the
    hand-written ones below, and for each declared resource requests derived from its example."""
    return {**declared_examples(h), **hand_written(h)}


def declared_examples(h: dict[str, str]) -> dict[str, Params]:
    """Requests of every operation of each declared resource, against what `world.build_declared`
    made from its example (`h` holds the example as sent and the key of what it made): a new name
    to create, the example's key to read, update and delete, the resources it left stoppable and
    startable to stop and start."""
    from sagemock.core.resource import RESOURCES

    found: dict[str, Params] = {}
    for noun, declared in RESOURCES.items():
        bound = declared.bound
        example = json.loads(h[f"example:{noun}"]) if f"example:{noun}" in h else dict(declared.example)
        key = json.loads(h[f"key:{noun}"]) if f"key:{noun}" in h else bound.key_params(example)
        naming = declared.named_by or bound.name
        for verb, operation in bound.operations.items():
            if verb == "Create":
                found[operation] = declared.renamed(example, f"{example[naming]}-new")
            elif verb == "List":  # within the example's scope where the List requires it (ListJobs' JobCategory)
                found[operation] = bound.list_request(example)
            elif verb in ("Stop", "Start"):
                stoppable = h.get(f"key:{noun}:{verb.lower()}")
                found[operation] = json.loads(stoppable) if stoppable else \
                    {**key, bound.name: f"{example[bound.name]}-{verb.lower()}"}
            else:
                found[operation] = dict(key)
    return found


def hand_written(h: dict[str, str]) -> dict[str, Params]:
    """Requests written for the operations no declaration derives, and those that need more."""
    pipeline = {"PipelineName": "fuzz-pipeline"}
    return {
        # -- workforces and work teams --------------------------------------------------------------------
        "CreateWorkforce": {"WorkforceName": "fuzz-new-workforce", "CognitoConfig": COGNITO},
        "DescribeWorkforce": {"WorkforceName": "fuzz-workforce"},
        "UpdateWorkforce": {"WorkforceName": "fuzz-workforce", "SourceIpConfig": {"Cidrs": ["10.0.0.0/16"]}},
        "DeleteWorkforce": {"WorkforceName": "fuzz-workforce"},
        "CreateWorkteam": {"WorkteamName": "fuzz-new-team", "Description": "new", "MemberDefinitions": MEMBERS},
        "DescribeWorkteam": {"WorkteamName": "fuzz-team"},
        "UpdateWorkteam": {"WorkteamName": "fuzz-team", "Description": "updated"},
        "DeleteWorkteam": {"WorkteamName": "fuzz-team"},
        "ListSubscribedWorkteams": {},
        "ListLabelingJobsForWorkteam": {"WorkteamArn": h["workteam"]},
        # -- registry -------------------------------------------------------------------------------------
        "CreateModelPackageGroup": {"ModelPackageGroupName": "fuzz-new-group"},
        "DescribeModelPackageGroup": {"ModelPackageGroupName": "fuzz-group"},
        "ListModelPackageGroups": {},
        "DeleteModelPackageGroup": {"ModelPackageGroupName": "fuzz-empty-group"},
        "PutModelPackageGroupPolicy": {"ModelPackageGroupName": "fuzz-empty-group", "ResourcePolicy": POLICY},
        "GetModelPackageGroupPolicy": {"ModelPackageGroupName": "fuzz-group"},
        "DeleteModelPackageGroupPolicy": {"ModelPackageGroupName": "fuzz-group"},
        "CreateModelPackage": {"ModelPackageGroupName": "fuzz-group",
                               "InferenceSpecification": {"Containers": [CONTAINER],
                                                          "SupportedContentTypes": ["text/csv"],
                                                          "SupportedResponseMIMETypes": ["text/csv"]}},
        "DescribeModelPackage": {"ModelPackageName": h["package"]},
        "ListModelPackages": {"ModelPackageGroupName": "fuzz-group"},
        "UpdateModelPackage": {"ModelPackageArn": h["package"], "ModelApprovalStatus": "Approved"},
        "DeleteModelPackage": {"ModelPackageName": h["package"]},
        "BatchDescribeModelPackage": {"ModelPackageArnList": [h["package"]]},
        "CreateAlgorithm": {"AlgorithmName": "fuzz-new-algo", "TrainingSpecification": TRAINING_SPEC},
        "DescribeAlgorithm": {"AlgorithmName": "fuzz-algo"},
        "ListAlgorithms": {},
        "DeleteAlgorithm": {"AlgorithmName": "fuzz-algo"},
        # -- models and endpoints -------------------------------------------------------------------------
        "CreateModel": {"ModelName": "fuzz-new-model", "ExecutionRoleArn": ROLE, "PrimaryContainer": CONTAINER},
        "DescribeModel": {"ModelName": "fuzz-model"},
        "ListModels": {},
        "DeleteModel": {"ModelName": "fuzz-model"},
        "CreateEndpointConfig": {"EndpointConfigName": "fuzz-new-config", "ProductionVariants": [VARIANT]},
        "DescribeEndpointConfig": {"EndpointConfigName": "fuzz-config"},
        "ListEndpointConfigs": {},
        "DeleteEndpointConfig": {"EndpointConfigName": "fuzz-config-2"},
        "CreateEndpoint": {"EndpointName": "fuzz-new-endpoint", "EndpointConfigName": "fuzz-config-2"},
        "DescribeEndpoint": {"EndpointName": "fuzz-endpoint"},
        "ListEndpoints": {},
        "UpdateEndpoint": {"EndpointName": "fuzz-endpoint", "EndpointConfigName": "fuzz-config-2"},
        "UpdateEndpointWeightsAndCapacities": {"EndpointName": "fuzz-endpoint", "DesiredWeightsAndCapacities": [
            {"VariantName": "AllTraffic", "DesiredWeight": 0.5}]},
        "DeleteEndpoint": {"EndpointName": "fuzz-endpoint"},
        # -- Edge Manager: devices and deployment stages (world._edge) -------------------------------------
        "RegisterDevices": {"DeviceFleetName": "fleet-for-plans", "Devices": [{"DeviceName": "fuzz-new-device"}]},
        "DeregisterDevices": {"DeviceFleetName": "fleet-for-plans", "DeviceNames": ["fuzz-device-2"]},
        "DescribeDevice": {"DeviceFleetName": "fleet-for-plans", "DeviceName": "fuzz-device-1"},
        "ListDevices": {},
        "UpdateDevices": {"DeviceFleetName": "fleet-for-plans",
                          "Devices": [{"DeviceName": "fuzz-device-1", "Description": "updated"}]},
        "GetDeviceFleetReport": {"DeviceFleetName": "fleet-for-plans"},
        "UpdateDeviceFleet": {"DeviceFleetName": "cameras", "Description": "updated",
                              "OutputConfig": {"S3OutputLocation": "s3://bucket/edge-2"}},
        "CreateEdgeDeploymentStage": {"EdgeDeploymentPlanName": "rollout", "Stages": [{
            "StageName": "fuzz-new-stage",
            "DeviceSelectionConfig": {"DeviceSubsetType": "SELECTION", "DeviceNames": ["fuzz-device-1"]}}]},
        "DeleteEdgeDeploymentStage": {"EdgeDeploymentPlanName": "rollout", "StageName": "fuzz-stage"},
        "StartEdgeDeploymentStage": {"EdgeDeploymentPlanName": "rollout", "StageName": "fuzz-stage"},
        "StopEdgeDeploymentStage": {"EdgeDeploymentPlanName": "rollout", "StageName": "canary"},
        "ListStageDevices": {"EdgeDeploymentPlanName": "rollout", "StageName": "canary"},
        # -- training and compilation ---------------------------------------------------------------------
        "CreateTrainingJob": {"TrainingJobName": "fuzz-new-training", "RoleArn": ROLE,
                              "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
                              "OutputDataConfig": {"S3OutputPath": f"{DATA}/out"},
                              "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                                                 "VolumeSizeInGB": 10},
                              "StoppingCondition": {"MaxRuntimeInSeconds": 3600}},
        "DescribeTrainingJob": {"TrainingJobName": "fuzz-training"},
        "ListTrainingJobs": {},
        "StopTrainingJob": {"TrainingJobName": "fuzz-running"},
        "UpdateTrainingJob": {"TrainingJobName": "fuzz-running", "ProfilerConfig": {"DisableProfiler": True}},
        "DeleteTrainingJob": {"TrainingJobName": "fuzz-training"},
        "CreateCompilationJob": {"CompilationJobName": "fuzz-new-compilation", "RoleArn": ROLE,
                                 "InputConfig": {"S3Uri": f"{DATA}/model.tar.gz", "Framework": "PYTORCH",
                                                 "DataInputConfig": "{'input0': [1, 3, 224, 224]}"},
                                 "OutputConfig": {"S3OutputLocation": f"{DATA}/compiled", "TargetDevice": "ml_c5"},
                                 "StoppingCondition": {"MaxRuntimeInSeconds": 900}},
        "DescribeCompilationJob": {"CompilationJobName": "fuzz-compilation"},
        "ListCompilationJobs": {},
        "StopCompilationJob": {"CompilationJobName": "fuzz-compiling"},
        "DeleteCompilationJob": {"CompilationJobName": "fuzz-compilation"},
        # The tuning job `world.build_declared` made from its declaration's example.
        "ListTrainingJobsForHyperParameterTuningJob": {"HyperParameterTuningJobName": "churn-tuning"},
        # The AutoML job `world.build_declared` made from its declaration's example, and a V2 job.
        "CreateAutoMLJobV2": {"AutoMLJobName": "fuzz-new-automl-v2", "RoleArn": ROLE,
                              "AutoMLJobInputDataConfig": [{"DataSource": {"S3DataSource": {
                                  "S3DataType": "S3Prefix", "S3Uri": f"{DATA}/automl"}}}],
                              "OutputDataConfig": {"S3OutputPath": f"{DATA}/automl-output"},
                              "AutoMLProblemTypeConfig": {"TabularJobConfig": {"TargetAttributeName": "y"}}},
        "DescribeAutoMLJobV2": {"AutoMLJobName": "churn"},
        "ListCandidatesForAutoMLJob": {"AutoMLJobName": "churn"},
        # -- notebooks ------------------------------------------------------------------------------------
        "CreateNotebookInstanceLifecycleConfig": {"NotebookInstanceLifecycleConfigName": "fuzz-new-lc",
                                                  "OnCreate": [{"Content": SCRIPT}]},
        "DescribeNotebookInstanceLifecycleConfig": {"NotebookInstanceLifecycleConfigName": "fuzz-lc"},
        "ListNotebookInstanceLifecycleConfigs": {},
        "UpdateNotebookInstanceLifecycleConfig": {"NotebookInstanceLifecycleConfigName": "fuzz-lc",
                                                  "OnStart": [{"Content": SCRIPT}]},
        "DeleteNotebookInstanceLifecycleConfig": {"NotebookInstanceLifecycleConfigName": "fuzz-lc"},
        "CreateNotebookInstance": {"NotebookInstanceName": "fuzz-new-notebook", "InstanceType": "ml.t3.medium",
                                   "RoleArn": ROLE},
        "DescribeNotebookInstance": {"NotebookInstanceName": "fuzz-notebook"},
        "ListNotebookInstances": {},
        "StopNotebookInstance": {"NotebookInstanceName": "fuzz-notebook"},
        "StartNotebookInstance": {"NotebookInstanceName": "fuzz-stopped"},
        "UpdateNotebookInstance": {"NotebookInstanceName": "fuzz-stopped", "VolumeSizeInGB": 20},
        "DeleteNotebookInstance": {"NotebookInstanceName": "fuzz-stopped"},
        "CreatePresignedNotebookInstanceUrl": {"NotebookInstanceName": "fuzz-notebook"},
        # -- lineage --------------------------------------------------------------------------------------
        "CreateAction": {"ActionName": "fuzz-new-action", "Source": {"SourceUri": DATA}, "ActionType": "Training"},
        "DescribeAction": {"ActionName": "fuzz-action"},
        "ListActions": {},
        "UpdateAction": {"ActionName": "fuzz-action", "Status": "Completed"},
        "DeleteAction": {"ActionName": "fuzz-action"},
        "CreateArtifact": {"Source": {"SourceUri": f"{DATA}/new.csv"}, "ArtifactType": "DataSet"},
        "DescribeArtifact": {"ArtifactArn": h["artifact"]},
        "ListArtifacts": {},
        "UpdateArtifact": {"ArtifactArn": h["artifact"], "ArtifactName": "renamed"},
        "DeleteArtifact": {"ArtifactArn": h["artifact"]},
        "CreateContext": {"ContextName": "fuzz-new-context", "Source": {"SourceUri": DATA}, "ContextType": "Endpoint"},
        "DescribeContext": {"ContextName": "fuzz-context"},
        "ListContexts": {},
        "UpdateContext": {"ContextName": "fuzz-context", "Description": "updated"},
        "DeleteContext": {"ContextName": "fuzz-context"},
        "AddAssociation": {"SourceArn": h["artifact"], "DestinationArn": h["context"]},
        "ListAssociations": {},
        "DeleteAssociation": {"SourceArn": h["artifact"], "DestinationArn": h["action"]},
        "QueryLineage": {"StartArns": [h["artifact"]], "Direction": "Descendants"},
        "DescribeLineageGroup": {"LineageGroupName": "sagemaker-default-lineage-group"},
        "ListLineageGroups": {},
        "GetLineageGroupPolicy": {"LineageGroupName": "sagemaker-default-lineage-group"},
        # -- experiments ----------------------------------------------------------------------------------
        "CreateExperiment": {"ExperimentName": "fuzz-new-exp"},
        "DescribeExperiment": {"ExperimentName": "fuzz-exp"},
        "ListExperiments": {},
        "UpdateExperiment": {"ExperimentName": "fuzz-exp", "DisplayName": "renamed"},
        "DeleteExperiment": {"ExperimentName": "fuzz-lonely-exp"},
        "CreateTrial": {"TrialName": "fuzz-new-trial", "ExperimentName": "fuzz-exp"},
        "DescribeTrial": {"TrialName": "fuzz-trial"},
        "ListTrials": {"ExperimentName": "fuzz-exp"},
        "UpdateTrial": {"TrialName": "fuzz-trial", "DisplayName": "renamed"},
        "DeleteTrial": {"TrialName": "fuzz-lonely-trial"},
        "CreateTrialComponent": {"TrialComponentName": "fuzz-new-tc", "Parameters": {"lr": {"NumberValue": 0.1}}},
        "DescribeTrialComponent": {"TrialComponentName": "fuzz-tc"},
        "ListTrialComponents": {"TrialName": "fuzz-trial"},
        "UpdateTrialComponent": {"TrialComponentName": "fuzz-tc", "Parameters": {"epochs": {"NumberValue": 3}}},
        "DeleteTrialComponent": {"TrialComponentName": "fuzz-lonely-tc"},
        "AssociateTrialComponent": {"TrialComponentName": "fuzz-lonely-tc", "TrialName": "fuzz-trial"},
        "DisassociateTrialComponent": {"TrialComponentName": "fuzz-tc", "TrialName": "fuzz-trial"},
        # -- model cards ----------------------------------------------------------------------------------
        "CreateModelCard": {"ModelCardName": "fuzz-new-card", "Content": json.dumps({"model_overview": {}}),
                            "ModelCardStatus": "Draft"},
        "DescribeModelCard": {"ModelCardName": "fuzz-card"},
        "ListModelCards": {},
        "ListModelCardVersions": {"ModelCardName": "fuzz-card"},
        "UpdateModelCard": {"ModelCardName": "fuzz-card", "ModelCardStatus": "PendingReview"},
        "DeleteModelCard": {"ModelCardName": "fuzz-card"},
        "CreateModelCardExportJob": {"ModelCardName": "fuzz-card", "ModelCardExportJobName": "fuzz-new-export",
                                     "OutputConfig": {"S3OutputPath": f"{DATA}/exports"}},
        "DescribeModelCardExportJob": {"ModelCardExportJobArn": h["export"]},
        "ListModelCardExportJobs": {"ModelCardName": "fuzz-card"},
        # -- pipelines ------------------------------------------------------------------------------------
        "CreatePipeline": {"PipelineName": "fuzz-new-pipeline", "PipelineDefinition": PIPELINE, "RoleArn": ROLE,
                           "ClientRequestToken": TOKEN},
        "DescribePipeline": pipeline,
        "ListPipelines": {},
        "UpdatePipeline": {**pipeline, "PipelineDescription": "updated"},
        "DeletePipeline": {**pipeline, "ClientRequestToken": TOKEN},
        "ListPipelineVersions": pipeline,
        "UpdatePipelineVersion": {"PipelineArn": h["pipeline"], "PipelineVersionId": 1,
                                  "PipelineVersionDisplayName": "first"},
        "StartPipelineExecution": {**pipeline, "ClientRequestToken": TOKEN},
        "DescribePipelineExecution": {"PipelineExecutionArn": h["execution"]},
        "DescribePipelineDefinitionForExecution": {"PipelineExecutionArn": h["execution"]},
        "ListPipelineExecutions": pipeline,
        "ListPipelineExecutionSteps": {"PipelineExecutionArn": h["execution"]},
        "ListPipelineParametersForExecution": {"PipelineExecutionArn": h["execution"]},
        "UpdatePipelineExecution": {"PipelineExecutionArn": h["execution"], "PipelineExecutionDescription": "x"},
        "StopPipelineExecution": {"PipelineExecutionArn": h["waiting-execution"], "ClientRequestToken": TOKEN},
        "RetryPipelineExecution": {"PipelineExecutionArn": h["failed-execution"], "ClientRequestToken": TOKEN},
        "SendPipelineExecutionStepSuccess": {"CallbackToken": h["callback-token"],
                                             "OutputParameters": [{"Name": "verdict", "Value": "yes"}]},
        "SendPipelineExecutionStepFailure": {"CallbackToken": h["callback-token"], "FailureReason": "no"},
        # -- projects -------------------------------------------------------------------------------------
        "CreateProject": {"ProjectName": "fuzz-new-project", "ServiceCatalogProvisioningDetails": PRODUCT},
        "DescribeProject": {"ProjectName": "fuzz-project"},
        "ListProjects": {},
        "UpdateProject": {"ProjectName": "fuzz-project", "ProjectDescription": "updated"},
        "DeleteProject": {"ProjectName": "fuzz-project"},
        # -- MLflow (the declared tracking server "experiments", made by world.build_declared) ------------
        "CreatePresignedMlflowTrackingServerUrl": {"TrackingServerName": "experiments", "ExpiresInSeconds": 60},
        # -- inference components (the declared example's "churn-ic", made by world.build_declared) -------
        "UpdateInferenceComponent": {"InferenceComponentName": "churn-ic", "RuntimeConfig": {"CopyCount": 2}},
        "UpdateInferenceComponentRuntimeConfig": {"InferenceComponentName": "churn-ic",
                                                  "DesiredRuntimeConfig": {"CopyCount": 3}},
        # -- HyperPod clusters (the declared example's "trainers" and the world's "fuzz-eks") ---------------
        "UpdateCluster": {"ClusterName": "trainers", "InstanceGroups": [
            {"InstanceGroupName": "workers", "InstanceType": "ml.t3.medium", "InstanceCount": 3, "ExecutionRole": ROLE,
             "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}]},
        "UpdateClusterSoftware": {"ClusterName": "trainers"},
        "DescribeClusterNode": {"ClusterName": "trainers", "NodeId": h["cluster-node"]},
        "ListClusterNodes": {"ClusterName": "trainers"},
        "BatchDeleteClusterNodes": {"ClusterName": "trainers", "NodeIds": [h["cluster-node"]]},
        "BatchRebootClusterNodes": {"ClusterName": "trainers", "NodeIds": [h["cluster-node"]]},
        "BatchReplaceClusterNodes": {"ClusterName": "trainers", "NodeIds": [h["cluster-node"]]},
        "BatchAddClusterNodes": {"ClusterName": "fuzz-eks", "NodesToAdd": [
            {"InstanceGroupName": "workers", "IncrementTargetCountBy": 1}]},
        "ListClusterEvents": {"ClusterName": "fuzz-eks"},
        "DescribeClusterEvent": {"ClusterName": "fuzz-eks", "EventId": h.get("cluster-event", "none")},
        # -- task governance (the declared examples' policy and quota, at version 1: TargetVersion names it) --
        "UpdateClusterSchedulerConfig": {**json.loads(h.get("key:ClusterSchedulerConfig", "{}")), "TargetVersion": 1,
                                         "Description": "updated"},
        "UpdateComputeQuota": {**json.loads(h.get("key:ComputeQuota", "{}")), "TargetVersion": 1,
                               "ActivationState": "Disabled"},
        # -- HyperPod node actions and cluster operations (the world's "fuzz-eks": groups workers and spare) ---
        "AttachClusterNodeVolume": {"ClusterArn": h.get("eks-cluster", ""), "NodeId": h.get("eks-node", ""),
                                    "VolumeId": "vol-0123456789abcdef0"},
        "DetachClusterNodeVolume": {"ClusterArn": h.get("eks-cluster", ""), "NodeId": h.get("eks-node", ""),
                                    "VolumeId": "vol-0fedcba9876543210"},
        "AttachClusterNodeNetworkInterface": {"ClusterName": "fuzz-eks", "NodeId": h.get("eks-node", ""),
                                              "NetworkInterfaceId": "eni-0123456789abcdef0"},
        "MoveClusterNodes": {"SourceClusterArn": h.get("eks-cluster", ""), "SourceInstanceGroupName": "workers",
                             "TargetClusterArn": h.get("eks-cluster", ""), "TargetInstanceGroupName": "spare",
                             "NodeIds": [h.get("eks-node", "")]},
        "StartClusterHealthCheck": {"ClusterName": "trainers", "DeepHealthCheckConfigurations": [
            {"InstanceGroupName": "workers", "DeepHealthChecks": ["InstanceStress", "InstanceConnectivity"]}]},
        "ListClusterOperations": {"ClusterName": "fuzz-eks"},
        "DescribeClusterOperation": {"ClusterName": "fuzz-eks", "OperationId": h.get("cluster-operation", "")},
        # -- HyperPod cluster extensions (the world's "sagemaker-observability" on "fuzz-eks") ----------------
        "CreateClusterExtension": {"ClusterArn": h.get("eks-cluster", ""), "ExtensionName": "sagemaker-new-extension",
                                   "ExtensionVersion": "1.0.0", "ConfigurationValues": '{"level": "BASIC"}'},
        "DescribeClusterExtension": {"ClusterArn": h.get("eks-cluster", ""), "ExtensionArn": h.get("extension", "")},
        "ListClusterExtensions": {"ClusterArn": h.get("eks-cluster", "")},
        "UpdateClusterExtension": {"ClusterArn": h.get("eks-cluster", ""), "ExtensionArn": h.get("extension", ""),
                                   "ExtensionVersion": "1.1.0", "ConfigurationValues": '{"level": "ADVANCED"}'},
        "DeleteClusterExtension": {"ClusterArn": h.get("eks-cluster", ""), "ExtensionArn": h.get("extension", "")},
        "ListClusterExtensionVersions": {"ExtensionName": "sagemaker-observability"},
        # -- feature store (the group is the declared example's, made by world.build_declared) ------------
        "UpdateFeatureGroup": {"FeatureGroupName": "churn-features",
                               "FeatureAdditions": [{"FeatureName": "plan", "FeatureType": "String"}]},
        "DescribeFeatureMetadata": {"FeatureGroupName": "churn-features", "FeatureName": "tenure"},
        "UpdateFeatureMetadata": {"FeatureGroupName": "churn-features", "FeatureName": "tenure",
                                  "Description": "months as a customer"},
        # -- model monitoring (the declared schedule "churn-monitor" of the world, with its default alert) -----
        "UpdateMonitoringSchedule": {"MonitoringScheduleName": "churn-monitor", "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            "MonitoringJobDefinitionName": "churn-monitor-quality", "MonitoringType": "DataQuality"}},
        "StopMonitoringSchedule": {"MonitoringScheduleName": "churn-monitor"},
        "StartMonitoringSchedule": {"MonitoringScheduleName": "churn-monitor"},
        "ListMonitoringExecutions": {"MonitoringScheduleName": "churn-monitor"},
        "ListMonitoringAlerts": {"MonitoringScheduleName": "churn-monitor"},
        "UpdateMonitoringAlert": {"MonitoringScheduleName": "churn-monitor", "MonitoringAlertName": "data-quality-alert",
                                  "DatapointsToAlert": 2, "EvaluationPeriod": 3},
        "ListMonitoringAlertHistory": {"MonitoringScheduleName": "churn-monitor"},
        # -- image versions of the declared image "custom-kernel" (world.build made versions 1 and 2) ------
        "CreateImageVersion": {"ImageName": "custom-kernel", "BaseImage": IMAGE, "ClientToken": "fuzz-new-version",
                               "Aliases": ["latest"]},
        "DescribeImageVersion": {"ImageName": "custom-kernel", "Alias": "stable"},
        "ListImageVersions": {"ImageName": "custom-kernel"},
        "UpdateImageVersion": {"ImageName": "custom-kernel", "Version": 1, "AliasesToAdd": ["prod"],
                               "JobType": "NOTEBOOK_KERNEL"},
        "DeleteImageVersion": {"ImageName": "custom-kernel", "Alias": "old"},
        "ListAliases": {"ImageName": "custom-kernel"},
        # -- hub content of the world's "fuzz-content-hub" (a model in versions 1.0.0 and 2.0.0, references) ---
        "ImportHubContent": {**HUB_MODEL, "HubContentVersion": "3.0.0", "DocumentSchemaVersion": "2.0.0",
                             "HubContentDocument": "{}", "HubContentDisplayName": "Fuzz model",
                             "HubContentSearchKeywords": ["fuzz"],
                             "Tags": [{"Key": "team", "Value": "ml"}]},
        "DescribeHubContent": {**HUB_MODEL, "HubContentVersion": "1.0.0"},
        "ListHubContents": {"HubName": "fuzz-content-hub", "HubContentType": "Model"},
        "ListHubContentVersions": {**HUB_MODEL, "MinVersion": "1.0.0"},
        "UpdateHubContent": {**HUB_MODEL, "HubContentVersion": "1.0.0", "SupportStatus": "Deprecated"},
        "DeleteHubContent": {**HUB_MODEL, "HubContentVersion": "2.0.0"},
        "CreateHubContentReference": {"HubName": "fuzz-content-hub", "SageMakerPublicHubContentArn": PUBLIC_HUB_MODEL,
                                      "HubContentName": "fuzz-new-reference", "MinVersion": "1.0.0",
                                      "Tags": [{"Key": "team", "Value": "ml"}]},
        "UpdateHubContentReference": {"HubName": "fuzz-content-hub", "HubContentType": "ModelReference",
                                      "HubContentName": "fuzz-reference", "MinVersion": "1.1.0"},
        "DeleteHubContentReference": {"HubName": "fuzz-content-hub", "HubContentType": "ModelReference",
                                      "HubContentName": "fuzz-reference-to-delete"},
        # -- global inference gateways (the world's "fuzz-gateway"; Create, Describe, List and Delete are the
        # declared example's, but Update, which requires Routing) and endpoint policies ---------------------
        "UpdateGlobalInferenceGateway": {"Identifier": "fuzz-gateway", "Routing": {"Weights": {"ErrorRate": 0.5}}},
        "AddInferenceGateway": {"Identifier": "fuzz-gateway", **GATEWAY_MEMBER, "Name": "fuzz-igw-3"},
        "RemoveInferenceGateway": {"Identifier": "fuzz-gateway", **GATEWAY_MEMBER, "Name": "fuzz-igw-2"},
        "ListInferenceGateways": {"Identifier": "fuzz-gateway", "Filters": [{"Name": "Status", "Value": "ACTIVE"}]},
        "UpdateInferenceRouter": {"InferenceRouterName": "chat-router", "RoutingTargets": [
            {"Name": "chat", "Destinations": [{"ResourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/fuzz-endpoint"}]}]},
        "PutEndpointPolicy": {"EndpointName": "fuzz-endpoint", "ResourcePolicy": ENDPOINT_POLICY},
        "GetEndpointPolicy": {"EndpointName": "fuzz-endpoint"},
        "DeleteEndpointPolicy": {"EndpointName": "fuzz-endpoint"},
        # -- tags and Search ------------------------------------------------------------------------------
        "AddTags": {"ResourceArn": h["artifact"], "Tags": [{"Key": "team", "Value": "ml"}]},
        "ListTags": {"ResourceArn": h["artifact"]},
        "DeleteTags": {"ResourceArn": h["artifact"], "TagKeys": ["team"]},
        "Search": {"Resource": "ModelPackage", "SearchExpression": {"Filters": [
            {"Name": "ModelPackageGroupName", "Operator": "Equals", "Value": "fuzz-group"}]}},
        "GetSearchSuggestions": {"Resource": "ModelPackage", "SuggestionQuery": {
            "PropertyNameQuery": {"PropertyNameHint": "Model"}}},
        # -- Studio (the user profile the declared example made) -------------------------------------------
        "CreatePresignedDomainUrl": json.loads(h["key:UserProfile"]),
        # -- MLflow and partner apps (the declared examples, made by world.build_declared) -----------------
        "CreatePresignedMlflowAppUrl": {"Arn": h.get("MlflowApp", ""), "ExpiresInSeconds": 60},
        "CreatePartnerAppPresignedUrl": {"Arn": h.get("PartnerApp", ""), "ExpiresInSeconds": 60},
        # -- model monitor configurations (the world's "fuzz-monitor", which ran once; the others are the
        # declared example's, but for a pause, which the example does not make) ----------------------------
        "UpdateModelMonitorConfig": {"ModelMonitorConfigNameOrArn": "fuzz-monitor", "Enabled": False,
                                     "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}},
        "GetModelMonitorExecution": {"ModelMonitorConfigNameOrArn": "fuzz-monitor",
                                     "ScheduledAt": h.get("model-monitor-execution", "2024-01-01T00:00:00+00:00")},
        "ListModelMonitorExecutions": {"ModelMonitorConfigNameOrArn": "fuzz-monitor", "StatusEquals": "Completed"},
        # -- candidates of the world's "fuzz-board" (the leaderboards' own: the declared example) -----------
        "AddCandidate": {"LeaderboardArn": h.get("leaderboard", ""), **world.CANDIDATE, "DisplayName": "fuzz",
                         "Labels": {"stage": "test"}},
        "GetCandidate": {"LeaderboardArn": h.get("leaderboard", ""), "CandidateId": h.get("candidate", "none")},
        "ListCandidates": {"LeaderboardArn": h.get("leaderboard", ""), "SortBy": "METRIC",
                           "SortMetric": {"CriterionName": "quality", "MetricName": "accuracy"},
                           "Filters": {"EvalCriteriaArn": world.EVAL_CRITERIA}},
        "DeleteCandidate": {"LeaderboardArn": h.get("leaderboard", ""), "CandidateId": h.get("candidate", "none")},
        "StartSession": {"ResourceIdentifier": h["App"]},
        # -- training plans (declared: their example) and training sessions (world._training_plans) ------
        "SearchTrainingPlanOfferings": {"InstanceType": "ml.p5.48xlarge", "InstanceCount": 2, "DurationHours": 48,
                                        "TargetResources": ["training-job"]},
        "ExtendTrainingPlan": {"TrainingPlanExtensionOfferingId": h.get("extension-offering", "tpeo-none")},
        "DescribeTrainingPlanExtensionHistory": {"TrainingPlanArn": h.get("plan", "")},
        "DescribeReservedCapacity": {"ReservedCapacityArn": h.get("reserved-capacity", "")},
        "ListUltraServersByReservedCapacity": {"ReservedCapacityArn": h.get("reserved-capacity", "")},
        # (the declared example's session runs: Delete needs one stopped)
        "DeleteTrainingSession": {"TrainingSessionName": "fuzz-session-stopped"},
        "DescribeCapacityReservation": {"SMCapacityReservationArn": h.get("capacity-reservation", "")},
        "ListCapacityReservations": {},
        "GetCapacityReservationUsage": {"SMCapacityReservationArn": h.get("capacity-reservation", "")},
        "DescribeResourceAssociations": {"SMCapacityReservationArn": h.get("capacity-reservation", "")},
        # -- Inference Recommender (the declared example's job "xgb-instances", completed) ------------------
        "ListInferenceRecommendationsJobSteps": {"JobName": "xgb-instances", "Status": "COMPLETED",
                                                 "StepType": "BENCHMARK"},
        "GetScalingConfigurationRecommendation": {"InferenceRecommendationsJobName": "xgb-instances",
                                                  "EndpointName": "xgb-instances-1", "TargetCpuUtilizationPerCore": 60,
                                                  "ScalingPolicyObjective": {"MinInvocationsPerMinute": 100,
                                                                             "MaxInvocationsPerMinute": 5000}},
        # -- inference experiments (the declared example's, and the one the world left Created) -----------
        "StopInferenceExperiment": {"Name": "shadow-candidate-stop", "ModelVariantActions": {
            "shadow": "Promote", "production": "Remove"}, "DesiredState": "Cancelled", "Reason": "fuzz",
            "DesiredModelVariants": [{"ModelName": "shadow-new", "VariantName": "shadow", "InfrastructureConfig": {
                "InfrastructureType": "RealTimeInference",
                "RealTimeInferenceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2}}}]},
        # -- worker templates, the Service Catalog portfolio flag, resource catalogs ------------------------
        "RenderUiTemplate": {"UiTemplate": {"Content": "<p>{{ task.input.text }}</p>"}, "RoleArn": ROLE,
                             "Task": {"Input": '{"text": "hello"}'}},
        "EnableSagemakerServicecatalogPortfolio": {},
        "DisableSagemakerServicecatalogPortfolio": {},
        "GetSagemakerServicecatalogPortfolioStatus": {},
        "ListResourceCatalogs": {"NameContains": "Default", "SortBy": "CreationTime", "SortOrder": "Ascending"},
    }
