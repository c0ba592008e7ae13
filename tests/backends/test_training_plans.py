"""Training plans through boto3: offerings computed from the search, plans bought from them, the
clock-driven statuses, extensions, reserved capacities and UltraServers, usage counted from the
training jobs and HyperPod clusters that name a plan."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from tests.model_support import requires_operation, requires_shape_member

pytestmark = requires_operation("CreateTrainingPlan")

NOW = dt.datetime(2025, 3, 1, 10, 30, tzinfo=dt.timezone.utc)
ROLE = "arn:aws:iam::123456789012:role/training"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


def offerings(client, **request):
    request.setdefault("TargetResources", ["training-job"])
    return client.search_training_plan_offerings(**request)["TrainingPlanOfferings"]


def buy(client, name="plan", **request):
    request.setdefault("InstanceType", "ml.p5.48xlarge")
    request.setdefault("InstanceCount", 2)
    offering = offerings(client, **request)[0]
    return client.create_training_plan(TrainingPlanName=name,
                                       TrainingPlanOfferingId=offering["TrainingPlanOfferingId"])["TrainingPlanArn"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_offerings_are_computed_from_the_request_and_the_same_request_answers_the_same(sagemaker_client):
    found = offerings(sagemaker_client, InstanceType="ml.p5.48xlarge", InstanceCount=3, DurationHours=30)
    assert found == offerings(sagemaker_client, InstanceType="ml.p5.48xlarge", InstanceCount=3, DurationHours=30)
    first = found[0]
    assert first["TrainingPlanOfferingId"].startswith("tpo-") and first["TargetResources"] == ["training-job"]
    # 30 hours are sold as 2 whole days; 3 instances as the next quantity option, 4.
    assert (first["DurationHours"], first["DurationMinutes"]) == (48, 0)
    capacity = first["ReservedCapacityOfferings"][0]
    assert (capacity["InstanceType"], capacity["InstanceCount"]) == ("ml.p5.48xlarge", 4)
    assert capacity["StartTime"] == dt.datetime(2025, 3, 1, 11, tzinfo=dt.timezone.utc)  # the next whole hour
    assert capacity["EndTime"] - capacity["StartTime"] == dt.timedelta(hours=48)
    assert first["UpfrontFee"] == "192.00" and first["CurrencyCode"] == "USD"
    assert found[1]["ReservedCapacityOfferings"][0]["StartTime"] == capacity["StartTime"] + dt.timedelta(days=1)


def test_the_window_bounds_the_offerings(sagemaker_client):
    after = dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc)
    found = offerings(sagemaker_client, InstanceType="ml.trn1.32xlarge", InstanceCount=1, DurationHours=24,
                      StartTimeAfter=after, EndTimeBefore=after + dt.timedelta(hours=36))
    assert len(found) == 1 and found[0]["ReservedCapacityOfferings"][0]["StartTime"] == after
    assert found[0]["RequestedStartTimeAfter"] == after
    assert offerings(sagemaker_client, InstanceType="ml.trn1.32xlarge", InstanceCount=1, DurationHours=48,
                     StartTimeAfter=after, EndTimeBefore=after + dt.timedelta(hours=36)) == []
    # More than 182 days, or more than 64 instances, is not sold.
    assert offerings(sagemaker_client, InstanceType="ml.p5.48xlarge", InstanceCount=1, DurationHours=183 * 24) == []
    assert offerings(sagemaker_client, InstanceType="ml.p5.48xlarge", InstanceCount=65) == []


def test_a_plan_is_bought_from_an_offering_and_follows_the_clock(sagemaker_mock, sagemaker_client, frozen):
    arn = buy(sagemaker_client, DurationHours=24)
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:training-plan/plan"
    plan = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    assert plan["Status"] == "Scheduled" and plan["TotalInstanceCount"] == 2 and plan["AvailableInstanceCount"] == 2
    capacity = plan["ReservedCapacitySummaries"][0]
    assert capacity["ReservedCapacityArn"].endswith(":reserved-capacity/plan-rc1")
    assert capacity["AvailabilityZone"] == "us-east-1a" and capacity["AvailabilityZoneId"] == "use1-az1"
    frozen.move_to(plan["StartTime"])
    assert sagemaker_client.describe_training_plan(TrainingPlanName=arn)["Status"] == "Active"
    frozen.move_to(plan["EndTime"])
    expired = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    assert expired["Status"] == "Expired" and expired["ReservedCapacitySummaries"][0]["Status"] == "Expired"
    assert expired["AvailableInstanceCount"] == 0


def test_create_needs_an_offering_a_search_returned_and_a_new_name(sagemaker_client):
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_training_plan(TrainingPlanName="plan", TrainingPlanOfferingId="tpo-made-up")
    assert code_of(refused) == "ResourceNotFound"
    buy(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        buy(sagemaker_client)
    assert code_of(refused) == "ResourceInUse"
    assert len(sagemaker_client.list_training_plans()["TrainingPlanSummaries"]) == 1


def test_a_failed_purchase_fails_the_plan(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("training-plan", "Payment declined")
    buy(sagemaker_client)
    plan = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    assert (plan["Status"], plan["StatusMessage"]) == ("Failed", "Payment declined")
    assert plan["ReservedCapacitySummaries"][0]["Status"] == "Failed"


def test_list_filters_by_status_and_start_and_sorts(sagemaker_client, frozen):
    buy(sagemaker_client, "soon")
    buy(sagemaker_client, "later", StartTimeAfter=NOW + dt.timedelta(days=10))
    frozen.move_to(NOW + dt.timedelta(hours=2))
    listed = sagemaker_client.list_training_plans(SortBy="TrainingPlanName", SortOrder="Ascending")
    assert [plan["TrainingPlanName"] for plan in listed["TrainingPlanSummaries"]] == ["later", "soon"]
    active = sagemaker_client.list_training_plans(Filters=[{"Name": "Status", "Value": "Active"}])
    assert [plan["TrainingPlanName"] for plan in active["TrainingPlanSummaries"]] == ["soon"]
    after = sagemaker_client.list_training_plans(StartTimeAfter=NOW + dt.timedelta(days=5))
    assert [plan["TrainingPlanName"] for plan in after["TrainingPlanSummaries"]] == ["later"]
    paged = sagemaker_client.get_paginator("list_training_plans").paginate(PaginationConfig={"PageSize": 1})
    assert sum(len(page["TrainingPlanSummaries"]) for page in paged) == 2


def test_an_extension_offering_extends_the_plan_once(sagemaker_client):
    arn = buy(sagemaker_client, DurationHours=24)
    before = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    answer = sagemaker_client.search_training_plan_offerings(TrainingPlanArn=arn, DurationHours=48)
    assert answer["TrainingPlanOfferings"] == []
    extension = answer["TrainingPlanExtensionOfferings"][0]
    assert extension["TrainingPlanExtensionOfferingId"].startswith("tpeo-")
    assert extension["StartDate"] == before["EndTime"] and extension["DurationHours"] == 48
    extended = sagemaker_client.extend_training_plan(
        TrainingPlanExtensionOfferingId=extension["TrainingPlanExtensionOfferingId"])["TrainingPlanExtensions"]
    assert [entry["EndDate"] for entry in extended] == [extension["EndDate"]]
    after = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    assert after["EndTime"] == extension["EndDate"] and after["DurationHours"] == 72
    assert after["ReservedCapacitySummaries"][0]["EndTime"] == extension["EndDate"]
    history = sagemaker_client.describe_training_plan_extension_history(TrainingPlanArn=arn)["TrainingPlanExtensions"]
    assert history == extended
    # The offering started where the plan ended: bought once, it no longer does.
    with pytest.raises(ClientError) as refused:
        sagemaker_client.extend_training_plan(
            TrainingPlanExtensionOfferingId=extension["TrainingPlanExtensionOfferingId"])
    assert code_of(refused) == "ValidationException"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.extend_training_plan(TrainingPlanExtensionOfferingId="tpeo-0123456789abcdef-made-up")
    assert code_of(refused) == "ResourceNotFound"


def test_usage_is_counted_from_training_jobs_and_clusters_on_the_plan(sagemaker_mock, sagemaker_client, frozen):
    arn = buy(sagemaker_client, InstanceCount=8, TargetResources=["training-job", "hyperpod-cluster"])
    frozen.move_to(NOW + dt.timedelta(hours=1))
    job = sagemaker_client.create_training_job(
        TrainingJobName="on-plan", RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1",
                                "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://bucket/out"},
        ResourceConfig={"InstanceType": "ml.p5.48xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50,
                        "TrainingPlanArn": arn},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})["TrainingJobArn"]
    sagemaker_mock.set_status(job, "InProgress")
    sagemaker_client.create_cluster(ClusterName="pod", InstanceGroups=[{
        "InstanceGroupName": "gpus", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 3, "ExecutionRole": ROLE,
        "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"},
        "TrainingPlanArn": arn}])
    plan = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    assert (plan["Status"], plan["InUseInstanceCount"], plan["AvailableInstanceCount"]) == ("Active", 5, 3)
    capacity = sagemaker_client.describe_reserved_capacity(
        ReservedCapacityArn=plan["ReservedCapacitySummaries"][0]["ReservedCapacityArn"])
    assert (capacity["InUseInstanceCount"], capacity["AvailableInstanceCount"]) == (5, 3)
    sagemaker_mock.set_status(job, "Completed")
    assert sagemaker_client.describe_training_plan(TrainingPlanName="plan")["InUseInstanceCount"] == 3


def test_ultra_server_plans_list_their_ultra_servers(sagemaker_client):
    offering = offerings(sagemaker_client, UltraServerType="ml.u-p6e-gb200x72", UltraServerCount=2,
                         TargetResources=["hyperpod-cluster"])[0]
    sagemaker_client.create_training_plan(TrainingPlanName="ultra", SpareInstanceCountPerUltraServer=2,
                                          TrainingPlanOfferingId=offering["TrainingPlanOfferingId"])
    plan = sagemaker_client.describe_training_plan(TrainingPlanName="ultra")
    assert (plan["TotalUltraServerCount"], plan["TotalInstanceCount"], plan["AvailableSpareInstanceCount"]) == \
        (2, 36, 4)
    arn = plan["ReservedCapacitySummaries"][0]["ReservedCapacityArn"]
    described = sagemaker_client.describe_reserved_capacity(ReservedCapacityArn=arn)
    assert described["ReservedCapacityType"] == "UltraServer"
    assert described["UltraServerSummary"]["UltraServerCount"] == 2
    servers = sagemaker_client.list_ultra_servers_by_reserved_capacity(ReservedCapacityArn=arn)["UltraServers"]
    assert len(servers) == 2 and len({server["UltraServerId"] for server in servers}) == 2
    assert all(server["TotalInstanceCount"] == 18 and server["ConfiguredSpareInstanceCount"] == 2 for server in servers)


def test_missing_plans_and_capacities_are_not_found(sagemaker_client):
    for call, params in ((sagemaker_client.describe_training_plan, {"TrainingPlanName": "nope"}),
                         (sagemaker_client.describe_reserved_capacity, {"ReservedCapacityArn":
                          "arn:aws:sagemaker:us-east-1:123456789012:reserved-capacity/nope-rc1"}),
                         (sagemaker_client.describe_training_plan_extension_history, {"TrainingPlanArn":
                          "arn:aws:sagemaker:us-east-1:123456789012:training-plan/nope"})):
        with pytest.raises(ClientError) as refused:
            call(**params)
        assert code_of(refused) == "ResourceNotFound"


def test_plans_take_tags(sagemaker_client):
    offering = offerings(sagemaker_client, InstanceType="ml.p5.48xlarge", InstanceCount=1)[0]
    arn = sagemaker_client.create_training_plan(TrainingPlanName="tagged", Tags=[{"Key": "team", "Value": "ml"}],
                                                TrainingPlanOfferingId=offering["TrainingPlanOfferingId"])["TrainingPlanArn"]
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_a_status_the_test_sets_holds_until_the_clock_moves_the_plan_on(sagemaker_mock, sagemaker_client, frozen):
    arn = buy(sagemaker_client, DurationHours=24)
    sagemaker_mock.set_status(arn, "Active")
    plan = sagemaker_client.describe_training_plan(TrainingPlanName="plan")
    assert (plan["Status"], plan["ReservedCapacitySummaries"][0]["Status"]) == ("Active", "Active")
    capacity = sagemaker_client.describe_reserved_capacity(
        ReservedCapacityArn=plan["ReservedCapacitySummaries"][0]["ReservedCapacityArn"])
    assert capacity["Status"] == "Active"
    listed = sagemaker_client.list_training_plans(Filters=[{"Name": "Status", "Value": "Active"}])
    assert [found["TrainingPlanName"] for found in listed["TrainingPlanSummaries"]] == ["plan"]
    frozen.move_to(plan["StartTime"])  # Active by the clock too; then the clock's again
    sagemaker_mock.set_status(arn, "Expired")
    assert sagemaker_client.describe_training_plan(TrainingPlanName="plan")["Status"] == "Expired"
    frozen.move_to(plan["EndTime"])
    assert sagemaker_client.describe_training_plan(TrainingPlanName="plan")["Status"] == "Expired"
    sagemaker_mock.set_status(arn, "Scheduled")
    assert sagemaker_client.describe_training_plan(TrainingPlanName="plan")["Status"] == "Scheduled"
    sagemaker_mock.set_status(arn, "Pending")
    sagemaker_mock.set_status(arn, "Active")
    assert sagemaker_client.describe_training_plan(TrainingPlanName="plan")["Status"] == "Active"


@requires_operation("DescribeCapacityReservation")
def test_capacity_reservations_are_given_by_aws_and_follow_the_clock(sagemaker_mock, sagemaker_client, frozen):
    start = NOW + dt.timedelta(days=1)
    arn = sagemaker_mock.add_capacity_reservation("ml.p5.48xlarge", 4, start, start + dt.timedelta(days=7),
                                                  availability_zone="us-east-1b")
    described = sagemaker_client.describe_capacity_reservation(SMCapacityReservationArn=arn)["CapacityReservation"]
    assert described["SMCapacityReservationArn"] == arn and arn.endswith(described["SMCapacityReservationId"])
    assert (described["Status"], described["Owner"], described["AvailabilityZoneId"]) == \
        ("Scheduled", "123456789012", "use1-az2")
    other = sagemaker_mock.add_capacity_reservation("ml.trn1.32xlarge", 2, NOW - dt.timedelta(days=1))
    listed = sagemaker_client.list_capacity_reservations()["CapacityReservationSummaries"]
    assert [summary["SMCapacityReservationArn"] for summary in listed] == [arn, other]
    active = sagemaker_client.list_capacity_reservations(Filters=[{"Name": "Status", "Values": ["Active"]}])
    assert [summary["SMCapacityReservationArn"] for summary in active["CapacityReservationSummaries"]] == [other]
    frozen.move_to(start + dt.timedelta(days=8))
    assert sagemaker_client.describe_capacity_reservation(SMCapacityReservationArn=arn)[
        "CapacityReservation"]["Status"] == "Expired"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.describe_capacity_reservation(
            SMCapacityReservationArn="arn:aws:sagemaker:us-east-1:123456789012:sm-capacity-reservation/smcr-000000000000")
    assert code_of(refused) == "ResourceNotFound"


@requires_operation("GetCapacityReservationUsage")
def test_capacity_reservation_usage_counts_hyperpod_instances_of_its_type(sagemaker_mock, sagemaker_client):
    arn = sagemaker_mock.add_capacity_reservation("ml.p5.48xlarge", 4, NOW - dt.timedelta(hours=1))
    idle = sagemaker_client.get_capacity_reservation_usage(SMCapacityReservationArn=arn)
    assert (idle["TotalInstanceCount"], idle["AvailableInstanceCount"], idle["InstanceUsageSet"]) == (4, 4, [])
    assert idle["LastRefreshTime"] == NOW
    sagemaker_client.create_cluster(ClusterName="pod", InstanceGroups=[{
        "InstanceGroupName": "gpus", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 3, "ExecutionRole": ROLE,
        "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}])
    used = sagemaker_client.get_capacity_reservation_usage(SMCapacityReservationArn=arn)
    assert used["AvailableInstanceCount"] == 1
    assert used["InstanceUsageSet"] == [{"AccountId": "123456789012", "InUseInstanceCount": 3, "ResourcesUsage": [
        {"ResourceType": "HyperPodClusters", "InUseInstanceCount": 3}]}]


def test_a_plan_serves_only_its_target_resources(sagemaker_client):
    cluster_plan = buy(sagemaker_client, "for-clusters", TargetResources=["hyperpod-cluster"])
    job_plan = buy(sagemaker_client, "for-jobs")
    job = {"RoleArn": ROLE, "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
           "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1",
                                      "TrainingInputMode": "File"},
           "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}
    resources = {"InstanceType": "ml.p5.48xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50}
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_training_job(TrainingJobName="wrong", **job,
                                             ResourceConfig={**resources, "TrainingPlanArn": cluster_plan})
    assert code_of(refused) == "ValidationException" and "hyperpod-cluster" in str(refused.value)
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_training_job(TrainingJobName="missing", **job, ResourceConfig={
            **resources, "TrainingPlanArn": cluster_plan.replace("for-clusters", "nope")})
    assert code_of(refused) == "ResourceNotFound"
    assert sagemaker_client.list_training_jobs()["TrainingJobSummaries"] == []
    sagemaker_client.create_training_job(TrainingJobName="right", **job,
                                         ResourceConfig={**resources, "TrainingPlanArn": job_plan})
    group = {"InstanceGroupName": "gpus", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 1, "ExecutionRole": ROLE,
             "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_cluster(ClusterName="pod", InstanceGroups=[{**group, "TrainingPlanArn": job_plan}])
    assert code_of(refused) == "ValidationException"
    sagemaker_client.create_cluster(ClusterName="pod", InstanceGroups=[{**group, "TrainingPlanArn": cluster_plan}])


def test_botocore_paginators_walk_every_list(sagemaker_mock, sagemaker_client):
    offering = offerings(sagemaker_client, UltraServerType="ml.u-p6e-gb200x72", UltraServerCount=3,
                         TargetResources=["hyperpod-cluster"])[0]
    sagemaker_client.create_training_plan(TrainingPlanName="ultra",
                                          TrainingPlanOfferingId=offering["TrainingPlanOfferingId"])
    plan = sagemaker_client.describe_training_plan(TrainingPlanName="ultra")
    capacity = plan["ReservedCapacitySummaries"][0]["ReservedCapacityArn"]
    for _ in range(2):
        extension = sagemaker_client.search_training_plan_offerings(TrainingPlanArn=plan["TrainingPlanArn"])[
            "TrainingPlanExtensionOfferings"][0]
        sagemaker_client.extend_training_plan(TrainingPlanExtensionOfferingId=extension["TrainingPlanExtensionOfferingId"])
    if "ListCapacityReservations" in sagemaker_client.meta.service_model.operation_names:
        for count in (1, 2, 3):
            sagemaker_mock.add_capacity_reservation("ml.p5.48xlarge", count, NOW)
    walks = {"list_ultra_servers_by_reserved_capacity": ({"ReservedCapacityArn": capacity}, "UltraServers", 3),
             "describe_training_plan_extension_history": ({"TrainingPlanArn": plan["TrainingPlanArn"]},
                                                          "TrainingPlanExtensions", 2),
             "list_capacity_reservations": ({}, "CapacityReservationSummaries", 3)}
    for name, (params, member, expected) in walks.items():
        if not sagemaker_client.can_paginate(name):
            continue
        pages = list(sagemaker_client.get_paginator(name).paginate(**params, PaginationConfig={"PageSize": 1}))
        assert len(pages) == expected and sum(len(page[member]) for page in pages) == expected, name


@requires_shape_member("ResourceSpec", "TrainingPlanArn")
def test_studio_apps_run_on_plans_for_studio_apps(sagemaker_client, frozen):
    plan = buy(sagemaker_client, "studio", TargetResources=["studio-apps"])
    domain = sagemaker_client.create_domain(
        DomainName="studio", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-0123456789abcdef0"], VpcId="vpc-0123456789abcdef0")["DomainArn"].rsplit("/", 1)[-1]
    sagemaker_client.create_user_profile(DomainId=domain, UserProfileName="alice")
    app = {"DomainId": domain, "UserProfileName": "alice"}
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_app(**app, AppType="KernelGateway", AppName="kernel",
                                    ResourceSpec={"InstanceType": "ml.p5.48xlarge", "TrainingPlanArn": plan})
    assert code_of(refused) == "ValidationException"
    job_plan = buy(sagemaker_client, "jobs")
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_app(**app, AppType="JupyterLab", AppName="default",
                                    ResourceSpec={"InstanceType": "ml.p5.48xlarge", "TrainingPlanArn": job_plan})
    assert code_of(refused) == "ValidationException"
    sagemaker_client.create_app(**app, AppType="JupyterLab", AppName="default",
                                ResourceSpec={"InstanceType": "ml.p5.48xlarge", "TrainingPlanArn": plan})
    frozen.move_to(NOW + dt.timedelta(hours=1))
    assert sagemaker_client.describe_training_plan(TrainingPlanName="studio")["InUseInstanceCount"] == 1


@requires_operation("DescribeResourceAssociations")
def test_a_reservation_answers_its_association_with_the_accounts_hyperpod_clusters(sagemaker_mock, sagemaker_client):
    group = {"InstanceGroupName": "gpus", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 2, "ExecutionRole": ROLE,
             "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}
    associated = sagemaker_mock.add_capacity_reservation("ml.p5.48xlarge", 4, NOW - dt.timedelta(hours=1))
    apart = sagemaker_mock.add_capacity_reservation("ml.p5.48xlarge", 4, NOW - dt.timedelta(hours=1),
                                                    hyperpod_clusters=False)
    answer = sagemaker_client.describe_resource_associations(SMCapacityReservationArn=associated)
    assert answer["SMCapacityReservationId"] == associated.rsplit("/", 1)[1]
    assert answer["ResourceAssociations"] == [{"HyperPodClusters": {"Status": "Active", "AssociatedTime": NOW}}]
    assert sagemaker_client.describe_resource_associations(SMCapacityReservationArn=apart)["ResourceAssociations"] == []
    sagemaker_client.create_cluster(ClusterName="pod", InstanceGroups=[group])
    usage = {arn: sagemaker_client.get_capacity_reservation_usage(SMCapacityReservationArn=arn)["AvailableInstanceCount"]
             for arn in (associated, apart)}
    assert usage == {associated: 2, apart: 4}  # only an associated reservation serves the clusters
    with pytest.raises(ClientError) as refused:
        sagemaker_client.describe_resource_associations(SMCapacityReservationArn=associated[:-12] + "0" * 12)
    assert code_of(refused) == "ResourceNotFound"
