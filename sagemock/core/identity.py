"""Who is calling: the account and IAM identity behind a request's credentials.

SageMaker fills `CreatedBy` / `LastModifiedBy` with a `UserContext` whose `IamIdentity` names the
caller. sagemock derives it from the SigV4 credentials the client signed with: an access key id
of exactly twelve digits selects that account (so two clients can act as two accounts), any other
key uses the mock's default account. Long-term keys map to an IAM user, temporary ones (a
session token) to an assumed role, with a principal id stable for the key.

AWS gives the `IamIdentity` only on some resources: "These details are associated with model
package groups, model packages, and project entities only" (the model's `UserContext.IamIdentity`,
from the 2023-03-08 API change; newer models add "hubs, and hub content"). Elsewhere (experiments,
trials, components, lineage, model cards, pipelines ...) a caller who is not a Studio user gets an
empty `UserContext`, `{}`. `carries_iam_identity` reads the list from the installed model.
"""
from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

from . import arns, service

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


#: The phrases of the model's IamIdentity documentation, and the resource kind (`arns.kind`) each names.
_PHRASES = {
    "model package groups": "model-package-group",
    "model packages": "model-package",
    "project entities": "project",
    "hubs": "hub",
    "hub content": "hub-content",
}
#: Kinds AWS answers with an IamIdentity although the model's list leaves them out, with the evidence.
OBSERVED = {
    # A 2024 DescribePipelineExecution transcript (issue 13) shows CreatedBy/LastModifiedBy with
    # IamIdentity {Arn, PrincipalId} for an execution started from an IAM role.
    "pipeline/execution": "DescribePipelineExecution output of 2024 with CreatedBy.IamIdentity",
}
_LIST = re.compile(r"details are associated with (.+?) only", re.DOTALL)


@functools.cache
def documented_kinds() -> frozenset[str]:
    """The resource kinds the installed model says carry an IamIdentity.

    A phrase this module does not know is an error, so a newer model that names another kind of
    resource fails sagemock's tests instead of being silently ignored.
    """
    texts = [service.shape("UserContext").members["IamIdentity"].documentation or "",
             service.shape("IamIdentity").documentation or ""]
    kinds: set[str] = set()
    for text in texts:
        found = _LIST.search(re.sub(r"<[^>]+>", "", text))
        if found is None:
            continue
        for phrase in re.split(r",\s*(?:and\s+)?|\s+and\s+", found.group(1)):
            phrase = phrase.strip()
            if phrase not in _PHRASES:
                raise LookupError(f"the model's IamIdentity documentation names {phrase!r}, which sagemock "
                                  "does not map to a resource kind")
            kinds.add(_PHRASES[phrase])
    if not kinds:
        raise LookupError("the model no longer says which resources carry an IamIdentity")
    return frozenset(kinds)


def carries_iam_identity(kind: str) -> bool:
    """Whether AWS gives a resource of `kind` (as `arns.kind` names it) the caller's IamIdentity."""
    return kind in OBSERVED or kind in documented_kinds()
