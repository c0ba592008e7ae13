"""The SQLite state file saves what each write changed, and what it saves is the whole state.

Each test keeps a state in step with a database the way a server does (a save after every call),
then reads the database into a fresh state: it must equal the state that was saved, family by
family. A write the change log missed would be absent from the database.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from sagemock import mock_sagemaker, sqlite_state
from sagemock.core import snapshot
from sagemock.core.state import Config, State
from sagemock.server import ThreadedServer
from sagemock.sqlite_state import SqliteStateFile
from tests.fuzz import world

IMAGE = world.IMAGE
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}


def decoded(state: State) -> dict[tuple[str, str], Any]:
    """The state's stores as values (shared containers and copies alike compare equal)."""
    decoder = snapshot._Decoder()
    return {(store["account"], store["region"]): decoder.decode_store(store) for store in snapshot.dump(state)["stores"]}


def read_back(path: Path) -> State:
    fresh = State(Config())
    assert sqlite_state.read(path, fresh)
    return fresh


class Saving:
    """An in-process mock whose state is saved to an SQLite database after every call, as the
    server saves it; mock controls (`set_status`, ...) are recorded as a request's changes are."""

    def __init__(self, path: Path, mock: Any):
        self.mock, self.state = mock, mock.state
        self.medium = SqliteStateFile(path)
        self.medium.claim()
        assert not self.medium.load(self.state)
        self.medium.write(self.state)

    def save(self, **_: Any) -> None:
        self.medium.write(self.state)

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.mock, name)
        if not callable(found):
            return found

        def control(*args: Any, **kwargs: Any) -> Any:
            stores = list(self.state.stores.values())
            for store in stores:
                store.log.recording = True
            try:
                return found(*args, **kwargs)
            finally:
                for store in stores:
                    store.log.recording = False
                self.save()

        return control


@pytest.fixture
def saving(tmp_path: Path) -> Iterator[tuple[Any, Saving]]:
    with mock_sagemaker(seed=3) as mock:
        kept = Saving(tmp_path / "state.db", mock)
        sm = world.client(validate=True)
        sm.meta.events.register("after-call.sagemaker", kept.save)
        try:
            yield sm, kept
        finally:
            sm.meta.events.unregister("after-call.sagemaker", kept.save)
            kept.medium.release()


def test_saves_after_every_call_hold_a_world_of_every_family(saving, tmp_path):
    sm, kept = saving
    handles = world.build(sm, kept)
    assert decoded(read_back(tmp_path / "state.db")) == decoded(kept.state)
    # Then updates, deletes, tags, stops and callbacks: each saved by the rows it reached.
    group_arn = sm.describe_model_package_group(ModelPackageGroupName="fuzz-group")["ModelPackageGroupArn"]
    steps = [
        lambda: sm.add_tags(ResourceArn=group_arn, Tags=[{"Key": "team", "Value": "ml"}, {"Key": "x", "Value": "1"}]),
        lambda: sm.delete_tags(ResourceArn=group_arn, TagKeys=["x"]),
        lambda: sm.update_model_package(ModelPackageArn=handles["package"], ModelApprovalStatus="Approved"),
        lambda: sm.delete_model_package_group_policy(ModelPackageGroupName="fuzz-group"),
        lambda: sm.create_model_package(ModelPackageGroupName="fuzz-group", InferenceSpecification=SPEC),
        lambda: sm.delete_model_package(ModelPackageName=handles["package"]),
        lambda: sm.stop_training_job(TrainingJobName="fuzz-running"),
        lambda: sm.send_pipeline_execution_step_success(CallbackToken=handles["callback-token"],
                                                        OutputParameters=[{"Name": "verdict", "Value": "yes"}]),
        lambda: sm.disassociate_trial_component(TrialComponentName="fuzz-tc", TrialName="fuzz-trial"),
        lambda: sm.delete_association(SourceArn=handles["action"], DestinationArn=handles["context"]),
        lambda: sm.update_endpoint(EndpointName="fuzz-endpoint", EndpointConfigName="fuzz-config-2"),
        lambda: sm.delete_endpoint(EndpointName="fuzz-endpoint"),
        lambda: sm.delete_pipeline(PipelineName="fuzz-waiting"),
        lambda: sm.stop_notebook_instance(NotebookInstanceName="fuzz-notebook"),
        lambda: sm.delete_model_card(ModelCardName="fuzz-card"),
    ]
    for step in steps:
        step()
        assert decoded(read_back(tmp_path / "state.db")) == decoded(kept.state)


def test_a_write_to_a_resource_named_by_a_member_beside_its_key_is_saved(saving, tmp_path):
    """A cluster is keyed by its generated id and found by ClusterName through the table's index of
    names (`Table.named`): what a write reaches that way is saved like what it reaches by key."""
    sm, kept = saving
    workers = {"InstanceGroupName": "workers", "InstanceType": "ml.g5.xlarge", "InstanceCount": 2,
               "ExecutionRole": "arn:aws:iam::123456789012:role/hyperpod",
               "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}
    sm.create_cluster(ClusterName="trainers", InstanceGroups=[workers])
    sm.update_cluster(ClusterName="trainers", InstanceGroups=[{**workers, "InstanceCount": 5}])
    assert decoded(read_back(tmp_path / "state.db")) == decoded(kept.state)


def test_a_read_that_moves_a_lifecycle_is_saved(tmp_path):
    """In "reads" mode a Describe moves a job on; that change is saved like a write's."""
    with mock_sagemaker(transitions="reads") as mock:
        kept = Saving(tmp_path / "state.db", mock)
        sm = world.client(validate=True)
        sm.meta.events.register("after-call.sagemaker", kept.save)
        sm.create_model_package_group(ModelPackageGroupName="g")
        arn = sm.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)["ModelPackageArn"]
        statuses = [sm.describe_model_package(ModelPackageName=arn)["ModelPackageStatus"] for _ in range(3)]
        assert statuses[0] != statuses[-1]
        assert decoded(read_back(tmp_path / "state.db")) == decoded(kept.state)
        kept.medium.release()


def test_a_write_among_many_resources_writes_only_its_rows(tmp_path):
    with ThreadedServer(state_file=tmp_path / "state.db") as srv:
        c = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing")
        c.create_model_package_group(ModelPackageGroupName="g")
        for _ in range(300):
            c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        assert srv.state_file is not None
        medium = srv.state_file.medium
        assert isinstance(medium, SqliteStateFile)
        c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        written, deleted = medium.last_write
        # the package, its group (read for its name), the family's counters, its idempotency record;
        # and its lineage: the package's artifact (with its tags entry), its two associations (image ->
        # package, package -> group context), the group's context (the contexts, read to find it, are
        # written again), the default lineage group and the lineage family's (now empty) attributes.
        # Associations are rows of their own: none of the 600 earlier ones is written again.
        assert written <= 13 and deleted <= 1, medium.last_write
        described = c.describe_model_package(ModelPackageName="g/301")
    fresh = read_back(tmp_path / "state.db")
    store = fresh.stores[("123456789012", "us-east-1")]
    assert len(store.table("model-package")) == 301
    assert store.table("model-package")["g/301"]["ModelPackageArn"] == described["ModelPackageArn"]


def test_a_state_given_before_the_file_is_opened_is_saved_and_keeps_being_saved(tmp_path):
    with mock_sagemaker() as mock:
        boto3.client("sagemaker", region_name="us-east-1").create_model_package_group(ModelPackageGroupName="given")
        document = mock.snapshot()
    srv = ThreadedServer(state_file=tmp_path / "state.db")
    srv.restore(document)  # (not started: restored at once, before the file is opened)
    with srv:
        c = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing")
        c.create_model_package_group(ModelPackageGroupName="later")
        c.add_tags(ResourceArn=c.describe_model_package_group(ModelPackageGroupName="given")["ModelPackageGroupArn"],
                   Tags=[{"Key": "k", "Value": "v"}])
        saved = decoded(srv.state)
    assert decoded(read_back(tmp_path / "state.db")) == saved


def test_lineage_associations_are_saved_one_by_one_and_survive_a_restart(tmp_path):
    """Associations (every registration, job and deployment adds some) are rows of their own: each
    add and delete is saved, and a server started again on the file keeps saving them."""
    path = tmp_path / "state.db"
    with ThreadedServer(state_file=path) as srv:
        c = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing")
        c.create_model_package_group(ModelPackageGroupName="g")
        arn = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)["ModelPackageArn"]
        [package] = c.list_artifacts(SourceUri=arn)["ArtifactSummaries"]
        data = c.create_artifact(ArtifactType="DataSet", Source={"SourceUri": "s3://b/d"})["ArtifactArn"]
        c.add_association(SourceArn=data, DestinationArn=package["ArtifactArn"])
        assert decoded(read_back(path)) == decoded(srv.state)
        c.delete_artifact(ArtifactArn=data)  # its association goes with it
        assert decoded(read_back(path)) == decoded(srv.state)
    with ThreadedServer(state_file=path) as srv:
        c = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing")
        assert len(c.list_associations(SourceArn=package["ArtifactArn"])["AssociationSummaries"]) == 1
        c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        c.delete_association(SourceArn=package["ArtifactArn"],
                             DestinationArn=c.list_contexts(ContextType="ModelGroup")["ContextSummaries"][0]["ContextArn"])
        saved = decoded(srv.state)
    assert decoded(read_back(path)) == saved
    [store] = [found for found in read_back(path).stores.values()]
    from sagemock.backends.lineage import Lineage

    pairs = set(store.backend(Lineage).associations)
    assert len(pairs) == 3 and all(isinstance(pair, tuple) for pair in pairs)  # two from the second version
