"""Every SageMaker operation moto answers, sagemock answers too (issue 18): a moto user who adds
sagemock loses no operation, since every SageMaker request then goes to sagemock."""
from __future__ import annotations

import pytest
from botocore import xform_name

from sagemock.core import backend, service


def test_every_operation_moto_answers_sagemock_answers() -> None:
    responses = pytest.importorskip("moto.sagemaker.responses")
    by_method = {xform_name(operation): operation for operation in service.operation_names()}
    motos = {by_method[name] for name in dir(responses.SageMakerResponse) if name in by_method}
    assert len(motos) > 100  # moto's handlers are found by their botocore names
    assert sorted(motos - set(backend.implemented())) == []
