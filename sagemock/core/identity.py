"""Who is calling: the account and IAM identity behind a request's credentials.

SageMaker fills `CreatedBy` / `LastModifiedBy` with a `UserContext` whose `IamIdentity` names the
caller. sagemock derives it from the SigV4 credentials the client signed with: an access key id
of exactly twelve digits selects that account (so two clients can act as two accounts), any other
key uses the mock's default account. Long-term keys map to an IAM user, temporary ones (a
session token) to an assumed role, with a principal id stable for the key.
"""
from __future__ import annotations

import hashlib
from typing import Any

from . import arns

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def account_for(access_key: str | None, default_account: str) -> str:
    if access_key and len(access_key) == 12 and access_key.isdigit():
        return access_key
    return default_account


def _unique_id(prefix: str, access_key: str) -> str:
    digest = hashlib.sha256(access_key.encode()).digest()
    return prefix + "".join(_ALPHABET[byte % 32] for byte in digest[:17])


def iam_identity(access_key: str | None, account: str, region: str, temporary: bool) -> dict[str, Any]:
    key = access_key or "anonymous"
    part = arns.partition(region)
    if temporary:
        role_id = _unique_id("AROA", key)
        return {
            "Arn": f"arn:{part}:sts::{account}:assumed-role/sagemock/{key}",
            "PrincipalId": f"{role_id}:{key}",
        }
    return {"Arn": f"arn:{part}:iam::{account}:user/sagemock", "PrincipalId": _unique_id("AIDA", key)}
