"""`Rule.refuses`: the request members a declared rule refuses in the input validator's words, which
the fuzz tests read instead of a table of their own (tests/fuzz/harness.py)."""
from __future__ import annotations

import pytest

from sagemock.core import backend
from sagemock.core.errors import ResourceNotFound, ValidationError
from sagemock.core.resource import BindingError, Resource, Rule, prose_limits


def _never(params, ctx):  # pragma: no cover - only bound, never run
    raise ValidationError("unused")


def transform_job(refuses: tuple[str, ...]) -> Resource:
    """A look-only declaration of transform jobs with one rule that refuses `refuses`."""
    return Resource("TransformJob", missing=ResourceNotFound, duplicate=ResourceNotFound, kind="transform-job",
                    undescribed={"LastModifiedTime": "_LastModifiedTime"},
                    rules=(Rule(_never, "test", refuses=refuses),), registered=False)


def test_transform_limits_stated_in_prose_are_declared_by_their_rules():
    backend.load_all()
    assert {("CreateTransformJob", "maxPayloadInMB"),
            ("CreateTransformJob", "transformResources.instanceCount")} <= prose_limits()


@pytest.mark.parametrize("path", ["TransformResources.NoSuchMember", "MaxPayloadInMB.Deeper", "Nope"])
def test_a_rule_refusing_a_member_the_operation_does_not_take_fails_to_bind(path):
    with pytest.raises(BindingError, match=path):
        transform_job((path,)).bound  # noqa: B018 - binding is the check


def test_a_rule_refusing_a_member_the_operation_takes_binds():
    assert transform_job(("TransformResources.InstanceCount",)).bound.operations["Create"] == "CreateTransformJob"
