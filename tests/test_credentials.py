"""Credentials while a mock is active: none configured, a stale profile, and the environment kept.

Each scenario runs in a fresh interpreter whose environment and home hold exactly what the test
gives it (no credentials of the machine it runs on), as a newcomer's laptop or CI would.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pytest

from sagemock import mock_sagemaker
from sagemock.mock import CREDENTIAL_VARIABLES

ROOT = Path(__file__).resolve().parent.parent


def run(code: str, home: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run `code` with an environment holding no AWS settings beyond `environment`."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",  # no instance-metadata lookup on the network
        "PYTHONPATH": str(ROOT),
        **environment,
    }
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)


def mocked(setup: str, inside: str, **options: str) -> str:
    """A script: `setup`, then inside a mock `inside` makes `sm`, which creates and describes a group."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in options.items())
    return "\n".join([
        "import boto3",
        "from sagemock import mock_sagemaker",
        setup,
        f"with mock_sagemaker({arguments}):",
        f"    {inside}",
        '    sm.create_model_package_group(ModelPackageGroupName="g")',
        '    print(sm.describe_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"])',
    ])


def test_no_credentials_configured(tmp_path: Path) -> None:
    done = run(mocked("", 'sm = boto3.client("sagemaker", region_name="us-east-1")'), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"


def test_a_client_made_before_the_mock_without_credentials(tmp_path: Path) -> None:
    """A module-level client (no credentials then, none later) is answered unsigned."""
    done = run(mocked('early = boto3.client("sagemaker", region_name="eu-west-1")', "sm = early",
                      account_id="210987654321"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "arn:aws:sagemaker:eu-west-1:210987654321:model-package-group/g"


def _stale_sso_profile(home: Path) -> None:
    """An IAM Identity Center (SSO) profile whose login has expired: no token in the SSO cache."""
    (home / "config").write_text(textwrap.dedent("""
        [profile stale]
        sso_start_url = https://example.awsapps.com/start
        sso_region = us-east-1
        sso_account_id = 111122223333
        sso_role_name = Developer
        region = us-east-1
    """))


def test_the_stale_profile_fails_without_the_mock(tmp_path: Path) -> None:
    """The premise: outside the mock this profile cannot sign (and nothing reaches the network)."""
    _stale_sso_profile(tmp_path)
    done = run("""
        import boto3
        from botocore.exceptions import BotoCoreError
        sm = boto3.client("sagemaker")
        try:
            sm.meta.events.register("before-send", lambda **kwargs: 1 / 0)  # never the network
            sm.list_model_package_groups()
        except BotoCoreError as error:
            print(type(error).__name__)
    """, tmp_path, AWS_PROFILE="stale")
    assert done.returncode == 0, done.stderr
    assert "Token" in done.stdout or "SSO" in done.stdout


@pytest.mark.parametrize("where", ["client-inside", "client-before", "explicit-profile"])
def test_a_stale_sso_profile(tmp_path: Path, where: str) -> None:
    _stale_sso_profile(tmp_path)
    make = {
        "client-inside": 'sm = boto3.client("sagemaker")',
        "client-before": "sm = early",
        "explicit-profile": 'sm = boto3.Session(profile_name="stale").client("sagemaker")',
    }[where]
    done = run(mocked('early = boto3.client("sagemaker")', make), tmp_path, AWS_PROFILE="stale")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"


def test_the_environment_is_restored_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-real-token")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    before = {name: os.environ.get(name) for name in CREDENTIAL_VARIABLES}
    with mock_sagemaker(account_id="210987654321"):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "210987654321"
        assert os.environ["AWS_SECRET_ACCESS_KEY"]
        assert "AWS_SESSION_TOKEN" not in os.environ
        with mock_sagemaker(account_id="210987654321"):
            pass
        assert os.environ["AWS_ACCESS_KEY_ID"] == "210987654321"  # a nested stop restores nothing
        arn = boto3.client("sagemaker", region_name="us-east-1").create_model_package_group(
            ModelPackageGroupName="g")["ModelPackageGroupArn"]
        assert ":210987654321:" in arn
    assert {name: os.environ.get(name) for name in CREDENTIAL_VARIABLES} == before


def test_fake_credentials_off_leaves_the_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented way to keep credentials of one's own: a twelve-digit key picks the account."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "333344445555")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    with mock_sagemaker(fake_credentials=False):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "333344445555"
        arn = boto3.client("sagemaker", region_name="us-east-1").create_model_package_group(
            ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert ":333344445555:" in arn
    assert os.environ["AWS_ACCESS_KEY_ID"] == "333344445555"


def test_credentials_given_to_a_client_win() -> None:
    with mock_sagemaker():
        sm = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="444455556666",
                          aws_secret_access_key="x")
        arn = sm.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert ":444455556666:" in arn


MIGRATED_MOTO_FILE = '''
    """A moto test file for SageMaker, migrated by docs/migrating-from-moto.md: only the import
    and the decorator changed (moto's own fixture for fake credentials was never needed)."""
    import boto3
    import pytest
    from botocore.exceptions import ClientError
    from sagemock import mock_sagemaker


    @mock_sagemaker
    def test_create_and_describe_a_model():
        client = boto3.client("sagemaker", region_name="us-east-1")
        client.create_model(ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/r",
                            PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"})
        assert client.describe_model(ModelName="m")["ModelName"] == "m"


    @mock_sagemaker
    def test_missing_model():
        client = boto3.client("sagemaker", region_name="us-east-1")
        with pytest.raises(ClientError):
            client.describe_model(ModelName="nope")


    @mock_sagemaker
    class TestExperiments:
        def test_create_experiment(self):
            client = boto3.client("sagemaker", region_name="eu-west-1")
            arn = client.create_experiment(ExperimentName="e")["ExperimentArn"]
            assert arn.startswith("arn:aws:sagemaker:eu-west-1:123456789012:experiment/")

        def test_list_is_empty_again(self):
            client = boto3.client("sagemaker", region_name="eu-west-1")
            assert client.list_experiments()["ExperimentSummaries"] == []
'''


def test_a_migrated_moto_file_passes_with_no_credentials(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    tests = tmp_path / "project"
    tests.mkdir()
    (tests / "test_migrated.py").write_text(textwrap.dedent(MIGRATED_MOTO_FILE))
    done = run(f"""
        import sys, pytest
        sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", {str(tests)!r}]))
    """, home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
