"""The pytest plugin, exercised the way users meet it: in a pytest run of their own (pytester)."""
from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixtures_give_an_active_mock_and_a_bound_client(pytester: pytest.Pytester):
    pytester.makepyfile("""
        from sagemock import MockSageMaker

        def test_client(sagemaker_client, sagemaker_mock):
            assert isinstance(sagemaker_mock, MockSageMaker) and sagemaker_mock.active
            arn = sagemaker_client.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
            assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"

        def test_state_does_not_leak_between_tests(sagemaker_client):
            assert sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_marker_configures_account_and_region(pytester: pytest.Pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.sagemock(account_id="210987654321", region="eu-central-1")
        def test_configured(sagemaker_client):
            arn = sagemaker_client.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
            assert arn == "arn:aws:sagemaker:eu-central-1:210987654321:model-package-group/g"

        @pytest.mark.sagemock(transitions="reads")
        def test_any_mock_option(sagemaker_client):
            sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
            status = sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupStatus"]
            assert status == "Pending"
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_marker_is_registered_for_strict_markers(pytester: pytest.Pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.sagemock(region="us-west-2")
        def test_ok(sagemaker_client):
            assert sagemaker_client.meta.region_name == "us-west-2"
    """)
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_marker_with_positional_arguments_is_a_usage_error(pytester: pytest.Pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.sagemock("eu-west-1")
        def test_bad(sagemaker_client):
            pass
    """)
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*keyword arguments only*"])


def test_strict_ini_option_turns_on_shape_checking(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setattr("sagemock.mock.defaults", {"strict": False})
    pytester.makeini("""
        [pytest]
        sagemock_strict = true
    """)
    pytester.makepyfile("""
        def test_strict(sagemaker_mock):
            assert sagemaker_mock.config.strict is True
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_without_the_ini_option_users_get_lenient_shaping(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setattr("sagemock.mock.defaults", {"strict": False})
    pytester.makepyfile("""
        def test_lenient(sagemaker_mock):
            assert sagemaker_mock.config.strict is False
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_no_mock_outside_the_fixture(pytester: pytest.Pytester):
    pytester.makepyfile("""
        from sagemock.core import intercept

        def test_with(sagemaker_mock):
            assert intercept.active

        def test_without():
            assert not intercept.active
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_marker_alone_mocks_the_test_and_its_fixtures(pytester: pytest.Pytester):
    pytester.makepyfile("""
        import boto3, pytest
        from sagemock.core import intercept

        @pytest.fixture
        def group():
            sm = boto3.client("sagemaker", region_name="eu-west-1")
            return sm.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]

        @pytest.mark.sagemock(account_id="210987654321", region="eu-west-1")
        def test_marked(group):
            assert intercept.active
            assert group == "arn:aws:sagemaker:eu-west-1:210987654321:model-package-group/g"

        @pytest.mark.sagemock
        class TestMarkedClass:
            def test_inside(self):
                assert intercept.active

        def test_unmarked():
            assert not intercept.active
    """)
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_leaked_start_warns_and_the_next_fixture_starts_empty(pytester: pytest.Pytester):
    pytester.makepyfile("""
        import boto3, pytest
        from sagemock import SagemockWarning, mock_sagemaker

        def test_leaks():
            mock_sagemaker().start()  # never stopped
            boto3.client("sagemaker", region_name="us-east-1").create_model_package_group(
                ModelPackageGroupName="leaked")

        def test_fixture_starts_empty(request):
            with pytest.warns(SagemockWarning, match="never stopped"):
                request.getfixturevalue("sagemaker_mock")
            client = request.getfixturevalue("sagemaker_client")
            assert client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []

        def test_later_tests_are_clean(sagemaker_client):
            assert sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    """)
    pytester.runpytest("-W", "error::sagemock.SagemockWarning").assert_outcomes(passed=3)


def test_a_mock_of_a_broader_fixture_is_no_leak(pytester: pytest.Pytester):
    pytester.makepyfile("""
        import boto3, pytest
        from sagemock import mock_sagemaker

        @pytest.fixture(scope="module")
        def shared():
            with mock_sagemaker():
                boto3.client("sagemaker", region_name="us-east-1").create_model_package_group(
                    ModelPackageGroupName="shared")
                yield

        def names():
            groups = boto3.client("sagemaker", region_name="us-east-1").list_model_package_groups()
            return [g["ModelPackageGroupName"] for g in groups["ModelPackageGroupSummaryList"]]

        def test_one(shared):
            assert names() == ["shared"]

        def test_two(shared, sagemaker_mock):
            assert names() == ["shared"]  # a nested activation shares the broader one's state
    """)
    pytester.runpytest("-W", "error::sagemock.SagemockWarning").assert_outcomes(passed=2)


def test_the_plugin_imports_nothing_heavy(pytester: pytest.Pytester):
    """Every pytest run loads the plugin: it must not import botocore or sagemock's machinery."""
    pytester.makepyfile("""
        import sys

        def test_nothing_loaded():
            assert "sagemock.pytest_plugin" in sys.modules
            heavy = [name for name in ("botocore", "boto3", "sagemock.mock", "sagemock.core.service")
                     if name in sys.modules]
            assert heavy == []
    """)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
