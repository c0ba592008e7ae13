"""sagemock's own S3 client: made once per region, and made again once moto is imported."""
from __future__ import annotations

import sys

import pytest

from sagemock.core import s3


def test_the_client_is_made_once_per_region() -> None:
    assert s3.client("eu-west-1") is s3.client("eu-west-1")
    assert s3.client("eu-west-1") is not s3.client("us-east-1")


def test_a_client_made_before_moto_was_imported_is_not_used_after(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("moto")
    with monkeypatch.context() as before_moto:
        before_moto.delitem(sys.modules, "moto.core.models", raising=False)
        without = s3.client("eu-west-2")
    assert s3.client("eu-west-2") is not without


def test_with_nothing_serving_s3_nothing_is_sent() -> None:
    with pytest.raises(s3.NothingServesS3):
        s3.get("bucket", "key", "eu-west-1")
