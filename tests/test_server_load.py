"""Load on loopback: concurrent clients of `sagemock server` lose no writes."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from .server_process import ServerProcess

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
CLIENTS = 8


# With a state file every write is saved before it is answered, and a save rewrites the whole
# state, so the durable run is shorter: its point is that group commits lose nothing either.
@pytest.mark.parametrize(("writes", "state_file"), [(2000, False), (400, True)], ids=["in-memory", "state-file"])
def test_concurrent_clients_lose_no_writes_on_loopback(tmp_path, writes, state_file):
    arguments = ("--state-file", tmp_path / "state.json") if state_file else ()
    with ServerProcess(*arguments) as server:
        server.client().create_model_package_group(ModelPackageGroupName="shared")
        local = threading.local()

        def client():
            if not hasattr(local, "client"):
                local.client = server.client(max_pool_connections=1, retries={"max_attempts": 0})
            return local.client

        def write(index: int) -> str:
            # Half the writes make groups; half race for the next version number of one group.
            if index % 2:
                return client().create_model_package_group(ModelPackageGroupName=f"g-{index}")["ModelPackageGroupArn"]
            return client().create_model_package(ModelPackageGroupName="shared", InferenceSpecification=SPEC)[
                "ModelPackageArn"]

        with ThreadPoolExecutor(CLIENTS) as pool:
            answered = list(pool.map(write, range(writes)))
        assert len(set(answered)) == writes

        c = server.client()
        groups: list[str] = []
        for page in c.get_paginator("list_model_package_groups").paginate(PaginationConfig={"PageSize": 100}):
            groups += [g["ModelPackageGroupArn"] for g in page["ModelPackageGroupSummaryList"]]
        versions: list[int] = []
        packages: list[str] = []
        for page in c.get_paginator("list_model_packages").paginate(ModelPackageGroupName="shared"):
            versions += [p["ModelPackageVersion"] for p in page["ModelPackageSummaryList"]]
            packages += [p["ModelPackageArn"] for p in page["ModelPackageSummaryList"]]
        assert sorted(versions) == list(range(1, writes // 2 + 1))
        assert set(answered) == (set(groups) - {groups[0]}) | set(packages)
        assert len(groups) == writes // 2 + 1
