"""What a fresh process pays for sagemock: only what it uses.

Each check runs in a fresh interpreter, as a user's first test does. The timings themselves are
measured by bench/cold_start.py (docs/benchmark.md); these tests hold the properties they rest on.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={"PATH": "", "AWS_EC2_METADATA_DISABLED": "true"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_sagemock_imports_nothing_else():
    found = fresh("""
        import json, sys
        import sagemock
        print(json.dumps(sorted(name for name in sys.modules if name.startswith(("sagemock", "botocore", "boto3")))))
    """)
    assert found == ["sagemock"]


def test_a_request_imports_only_the_family_that_answers_it_and_reuses_the_clients_model():
    found = fresh("""
        import json, sys
        import boto3
        from sagemock import mock_sagemaker
        from sagemock.core import service
        sm = boto3.client("sagemaker", region_name="us-east-1")
        with mock_sagemaker():
            sm.create_model_package_group(ModelPackageGroupName="g")
            sm.describe_model_package_group(ModelPackageGroupName="g")
        families = sorted(name for name in sys.modules if name.startswith("sagemock.backends."))
        print(json.dumps({"families": families, "one_model": service.model() is sm.meta.service_model}))
    """)
    # The registry's module (and the card content, lineage recording and validation status rules it
    # builds on) answer; no other family loads, not even the algorithms a model package may name, nor
    # lineage, which a group's operations do not reach.
    assert found["families"] == ["sagemock.backends._index", "sagemock.backends.card_content",
                                 "sagemock.backends.package_lineage", "sagemock.backends.registry",
                                 "sagemock.backends.validation_status"]
    assert found["one_model"] is True


def test_every_family_loads_when_a_control_needs_them_all():
    found = fresh("""
        import json, sys
        import boto3
        from sagemock import mock_sagemaker
        with mock_sagemaker() as mock:
            mock.fail_next("compilation-job")
        print(json.dumps(sorted(name for name in sys.modules if name.startswith("sagemock.backends."))))
    """)
    from sagemock.backends import _index

    assert set(_index.MODULES) - {"sagemock.core.tags"} <= set(found)
