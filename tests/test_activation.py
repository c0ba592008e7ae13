"""Turning the mock on and off: every form of activation, nesting, and what is intercepted."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import unittest

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock import MockSageMaker, mock_sagemaker
from sagemock.core import intercept


def client(region: str = "us-east-1", key: str = "testing"):
    return boto3.client("sagemaker", region_name=region, aws_access_key_id=key, aws_secret_access_key="x")


def make_group(name: str = "g") -> str:
    return client().create_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupArn"]


def group_names() -> list[str]:
    groups = client().list_model_package_groups()["ModelPackageGroupSummaryList"]
    return [group["ModelPackageGroupName"] for group in groups]


@mock_sagemaker
def test_bare_decorator():
    make_group("bare")
    assert group_names() == ["bare"]


@mock_sagemaker()
def test_called_decorator():
    assert group_names() == []  # a fresh activation starts empty
    make_group("called")
    assert group_names() == ["called"]


def test_decorator_keeps_function_name_and_result():
    @mock_sagemaker
    def create():
        """Docstring."""
        return make_group("kept")

    assert create.__name__ == "create" and create.__doc__ == "Docstring."
    assert create().endswith("model-package-group/kept")
    assert not intercept.active


def test_async_function():
    @mock_sagemaker
    async def create_async():
        await asyncio.sleep(0)
        make_group("async")
        return group_names()

    assert asyncio.run(create_async()) == ["async"]
    assert not intercept.active


def test_context_manager_yields_the_mock():
    with mock_sagemaker() as mock:
        assert isinstance(mock, MockSageMaker) and mock.active
        make_group("ctx")
        assert group_names() == ["ctx"]
    assert not mock.active and not intercept.active


def test_start_and_stop():
    mock = mock_sagemaker()
    mock.start()
    try:
        make_group("manual")
        assert group_names() == ["manual"]
    finally:
        mock.stop()
    with pytest.raises(RuntimeError):
        mock.stop()


def test_each_activation_starts_empty():
    with mock_sagemaker():
        make_group("first")
    with mock_sagemaker():
        assert group_names() == []


def test_nested_activations_share_the_outer_state():
    with mock_sagemaker():
        make_group("outer")
        with mock_sagemaker():
            assert group_names() == ["outer"]
            make_group("inner")
        assert group_names() == ["inner", "outer"] or sorted(group_names()) == ["inner", "outer"]
    assert not intercept.active


def test_client_created_before_the_mock_is_intercepted():
    early = client()
    with mock_sagemaker():
        arn = early.create_model_package_group(ModelPackageGroupName="early")["ModelPackageGroupArn"]
        assert arn.endswith("/early")


@mock_sagemaker
class TestPlainClass:
    def test_one(self):
        make_group("one")
        assert group_names() == ["one"]

    def test_two_is_isolated(self):
        assert group_names() == []

    def helper_not_wrapped(self):
        return intercept.active


def test_class_decorator_leaves_other_methods_alone():
    assert TestPlainClass().helper_not_wrapped() == []


@mock_sagemaker
class TestUnittestCase(unittest.TestCase):
    def setUp(self):
        self.arn = make_group("from-setup")

    def tearDown(self):
        # still active in tearDown: the group made in setUp and the test is there
        assert "from-setup" in group_names()

    def test_sees_setup_state(self):
        assert self.arn.endswith("/from-setup")
        assert group_names() == ["from-setup"]

    def test_isolated_from_other_tests(self):
        make_group("second")
        assert sorted(group_names()) == ["from-setup", "second"]


def test_unittest_case_stops_after_teardown():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestUnittestCase)
    result = unittest.TestResult()
    suite.run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 2
    assert not intercept.active


def _unimplemented_without_required_members() -> str:
    """An operation of the installed model sagemock does not implement and that takes no required
    member (so it is called with no arguments): computed, as families keep being added."""
    from sagemock.core import backend, service

    for name in sorted(set(service.operation_names()) - set(backend.implemented())):
        shape = service.operation(name).input_shape
        if shape is None or not shape.required_members:
            return name
    raise AssertionError("every operation without required members is implemented")


def test_unimplemented_operation_fails_at_once_naming_it():
    from botocore import xform_name

    operation = _unimplemented_without_required_members()
    with mock_sagemaker():
        with pytest.raises(ClientError) as err:
            getattr(client(), xform_name(operation))()
    error = err.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert operation in error["Message"]
    assert err.value.response["ResponseMetadata"]["RetryAttempts"] == 0


def test_other_services_are_not_touched():
    """An STS request is not answered by sagemock: it reaches whatever would serve it."""
    seen = []
    sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")

    def refuse(request, **kwargs):
        seen.append(request.url)
        raise RuntimeError("stop here: the request left sagemock untouched")

    sts.meta.events.register("before-send.sts", refuse)
    with mock_sagemaker():
        with pytest.raises(RuntimeError, match="untouched"):
            sts.get_caller_identity()
    assert seen and "sts" in seen[0]


def test_works_beside_moto():
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_sagemaker():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        s3.create_bucket(Bucket="models")
        s3.put_object(Bucket="models", Key="model.tar.gz", Body=b"weights")
        make_group("beside-moto")
        assert group_names() == ["beside-moto"]
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="models")["Contents"]] == ["model.tar.gz"]
        # moto never saw the SageMaker call: its own backend holds no group
        from moto.sagemaker.models import sagemaker_backends

        assert not sagemaker_backends["123456789012"]["us-east-1"].model_package_groups


@pytest.mark.parametrize("order", ["client-then-import", "import-then-client"])
def test_clients_made_before_sagemock_is_imported(order):
    """A client (and its session) that predates `import sagemock` is intercepted as well."""
    code = textwrap.dedent(f"""
        import boto3
        order = {order!r}
        if order == "client-then-import":
            c = boto3.client("sagemaker", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s")
        from sagemock import mock_sagemaker
        if order == "import-then-client":
            c = boto3.client("sagemaker", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s")
        with mock_sagemaker():
            print(c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"])
            later = boto3.client("sagemaker", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s")
            print(len(later.list_model_package_groups()["ModelPackageGroupSummaryList"]))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"AWS_EC2_METADATA_DISABLED": "true", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/g", "1"]


class _BaseWithTests:
    def test_inherited(self):
        assert intercept.active
        make_group("inherited")
        assert group_names() == ["inherited"]


@mock_sagemaker
class TestInheritsTests(_BaseWithTests):
    pass


@mock_sagemaker
class TestSetupMethodIsMocked:
    def setup_method(self):
        self.arn = make_group("from-setup-method")

    def teardown_method(self, method):
        assert "from-setup-method" in group_names()

    def test_sees_setup_method_state(self):
        assert group_names() == ["from-setup-method"]


def test_inherited_tests_are_mocked_outside_pytest_too():
    TestInheritsTests().test_inherited()
    assert not intercept.active


def test_generator_stays_mocked_while_iterated():
    @mock_sagemaker
    def groups():
        make_group("gen")
        yield group_names()
        yield intercept.active != []

    assert list(groups()) == [["gen"], True]
    assert not intercept.active


def test_async_generator_stays_mocked_while_iterated():
    @mock_sagemaker
    async def groups():
        make_group("agen")
        yield group_names()

    async def collect():
        return [item async for item in groups()]

    assert asyncio.run(collect()) == [["agen"]]
    assert not intercept.active


def test_nested_activation_with_other_options_warns():
    from sagemock.mock import SagemockWarning

    with mock_sagemaker(account_id="111111111111"):
        with pytest.warns(SagemockWarning, match="account_id='222222222222'"):
            with mock_sagemaker(account_id="222222222222"):
                assert ":111111111111:" in make_group("g")


# -- controls name what exists ----------------------------------------------------------------------

def test_fail_accepts_the_api_name_and_the_boto3_name():
    with mock_sagemaker() as mock:
        mock.fail("create_model_package_group", "ThrottlingException", times=None, status=400)
        with pytest.raises(ClientError) as err:
            make_group("throttled")
        assert err.value.response["Error"]["Code"] == "ThrottlingException"
        mock.reset()
        mock.fail("DescribeModelPackageGroup", "ResourceLimitExceeded")
        make_group("ok")
        with pytest.raises(ClientError, match="ResourceLimitExceeded"):
            client().describe_model_package_group(ModelPackageGroupName="ok")


@pytest.mark.parametrize(("given", "suggestion"), [
    ("CreateModelPackageGroups", "CreateModelPackageGroup"),
    ("create_model_pakage_group", "create_model_package_group"),
    ("DescribeModelPackageGrop", "DescribeModelPackageGroup"),
])
def test_fail_refuses_a_name_that_is_no_operation_and_suggests_the_closest(given, suggestion):
    with mock_sagemaker() as mock:
        with pytest.raises(ValueError, match=f"did you mean '{suggestion}'"):
            mock.fail(given)
        assert not mock.state.injected


def test_fail_refuses_an_operation_sagemock_does_not_implement():
    """Its injected error could never fire: the operation answers NotImplemented first."""
    from sagemock.core import backend, service

    unimplemented = sorted(set(service.operation_names()) - set(backend.implemented()))[0]
    with mock_sagemaker() as mock:
        with pytest.raises(ValueError, match=f"does not implement {unimplemented}"):
            mock.fail(unimplemented)


def test_fail_next_refuses_an_unknown_kind_and_suggests_the_closest():
    with mock_sagemaker() as mock:
        with pytest.raises(ValueError, match="did you mean 'compilation-job'"):
            mock.fail_next("compilation_job")
        assert not mock.state.failures


# -- leaks ----------------------------------------------------------------------------------------

def test_sagemock_warning_is_exported():
    import sagemock
    from sagemock.mock import SagemockWarning

    assert sagemock.SagemockWarning is SagemockWarning
    assert issubclass(SagemockWarning, UserWarning)


# -- the class decorator covers setUpClass / setup_class --------------------------------------------

@mock_sagemaker
class TestUnittestSetUpClass(unittest.TestCase):
    arn = ""
    torn_down_with: list[str] = []

    @classmethod
    def setUpClass(cls):
        cls.arn = make_group("from-setup-class")

    @classmethod
    def tearDownClass(cls):
        TestUnittestSetUpClass.torn_down_with = group_names()

    def test_sees_the_class_resources(self):
        assert self.arn.endswith("/from-setup-class")
        make_group("test-a")
        assert sorted(group_names()) == ["from-setup-class", "test-a"]

    def test_starts_from_the_class_state(self):
        make_group("test-b")
        assert sorted(group_names()) == ["from-setup-class", "test-b"]


def test_set_up_class_and_tear_down_class_run_mocked():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestUnittestSetUpClass)
    result = unittest.TestResult()
    suite.run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 2
    assert TestUnittestSetUpClass.torn_down_with == ["from-setup-class"]
    assert not intercept.active


@mock_sagemaker
class TestPytestSetupClass:
    @classmethod
    def setup_class(cls):
        cls.arn = make_group("from-setup-class")

    def test_sees_the_class_resources(self):
        assert self.arn.endswith("/from-setup-class")
        make_group("a")
        assert sorted(group_names()) == ["a", "from-setup-class"]

    def test_starts_from_the_class_state(self):
        assert group_names() == ["from-setup-class"]


# -- what the mock shows ------------------------------------------------------------------------------

def test_repr_and_html_show_what_the_mock_holds():
    mock = mock_sagemaker(account_id="111122223333", region="eu-west-1")
    assert repr(mock) == "<MockSageMaker stopped, account 111122223333, region eu-west-1>"
    with mock:
        assert repr(mock) == "<MockSageMaker active, account 111122223333, region eu-west-1: empty>"
        sm = client("eu-west-1", key="111122223333")
        sm.create_model_package_group(ModelPackageGroupName="a")
        sm.create_model_package_group(ModelPackageGroupName="b")
        mock.set_status(sm.describe_model_package_group(ModelPackageGroupName="b")["ModelPackageGroupArn"],
                        "Failed")
        client("us-east-1", key="222233334444").create_model_package_group(ModelPackageGroupName="c")
        text = repr(mock)
        assert text.startswith("<MockSageMaker active, account 111122223333, region eu-west-1; ")
        assert "111122223333/eu-west-1: model-package-group 2 (Completed 1, Failed 1)" in text
        assert "222233334444/us-east-1: model-package-group 1 (Completed 1)" in text
        page = mock._repr_html_()
        assert "(active)" in page and "<table>" in page
        assert "<td>model-package-group</td><td>2</td><td>Completed: 1, Failed: 1</td>" in page
    assert "(stopped)" in mock._repr_html_()
