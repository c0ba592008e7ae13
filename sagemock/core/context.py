"""What a backend knows about the request it serves: account, region, caller, time."""
from __future__ import annotations

import datetime as _dt
import functools
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import arns, identity
from .protocol import Headers

if TYPE_CHECKING:
    from .state import State, Store


#: The alphabets of SageMaker's generated ids.
LOWER_ALNUM = string.ascii_lowercase + string.digits
ALNUM = string.ascii_letters + string.digits


@dataclass
class Context:
    state: State
    store: Store
    operation: str
    access_key: str | None
    headers: Headers
    now: _dt.datetime
    _user: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def account(self) -> str:
        return self.store.account

    @property
    def region(self) -> str:
        return self.store.region

    def arn(self, resource_type: str, resource: str) -> str:
        return arns.build(self.store.region, self.store.account, resource_type, resource)

    def random_id(self, length: int, alphabet: str = LOWER_ALNUM) -> str:
        """A generated id (execution ids, `p-` project ids, tokens) from the seedable source."""
        choice = self.state.random.choice
        return "".join(choice(alphabet) for _ in range(length))

    def arn_for(self, resource_type: str, name_or_arn: str) -> str:
        """The ARN a request value stands for: itself if it is an ARN, else built from the name."""
        return name_or_arn if arns.is_arn(name_or_arn) else self.arn(resource_type, name_or_arn)

    def user_for(self, kind: str) -> dict[str, Any]:
        """The caller as the `UserContext` AWS writes into `CreatedBy` / `LastModifiedBy` of a
        resource of `kind` (`arns.kind`): with the caller's `IamIdentity` where AWS gives one
        (`identity.carries_iam_identity`), else empty, as for any caller who is not a Studio user.
        A caller acting as a Studio user (`State.studio_user`) adds its user profile and domain."""
        found = self.user if identity.carries_iam_identity(kind) else {}
        studio = self.state.studio_user
        return {**studio, **found} if studio is not None else found

    @property
    def user(self) -> dict[str, Any]:
        """The caller as a `UserContext` with its `IamIdentity` (see `user_for`)."""
        if self._user is None:
            temporary = temporary_credentials(self.headers)
            self._user = _user_context(self.access_key, self.account, self.region, temporary,
                                       self.state.config.identity_arn)
        return self._user


@functools.lru_cache(maxsize=256)
def _user_context(access_key: str | None, account: str, region: str, temporary: bool,
                  identity_arn: str | None) -> dict[str, Any]:
    iam = identity.iam_identity(access_key, account, region, temporary)
    if identity_arn:
        iam["Arn"] = identity_arn
    return {"IamIdentity": iam}


#: The header that carries the caller of an unsigned in-process request (`intercept.before_sign`):
#: `<access key id>/<region>/<temporary or permanent>`, the access key id empty when the client had
#: none it could use.
CALLER_HEADER = "X-Sagemock-Caller"


def caller_header(access_key: str | None, region: str | None, temporary: bool) -> str:
    return f"{access_key or ''}/{region or ''}/{'temporary' if temporary else 'permanent'}"


def credential_scope(headers: Headers) -> tuple[str | None, str | None]:
    """(access key id, region) of the caller: from the caller header of an in-process request,
    else from a SigV4 Authorization header (a request to the server), else (None, None)."""
    caller = _caller(headers)
    if caller:
        access_key, region, _ = caller.split("/", 2)
        return access_key or None, region or None
    auth = headers.get("Authorization")
    if not auth:
        return None, None
    if isinstance(auth, bytes):
        auth = auth.decode()
    start = auth.find("Credential=")
    if start < 0:
        return None, None
    end = auth.find(",", start)
    scope = auth[start + 11:end if end > 0 else None].split("/")
    return scope[0], (scope[2] if len(scope) > 2 else None)


def temporary_credentials(headers: Headers) -> bool:
    """Whether the caller signed with temporary credentials (a session token)."""
    caller = _caller(headers)
    if caller:
        return caller.endswith("/temporary")
    return "X-Amz-Security-Token" in headers


def _caller(headers: Headers) -> str | None:
    """The caller header's text (botocore's prepared request holds header values as bytes)."""
    caller = headers.get(CALLER_HEADER)
    return caller.decode() if isinstance(caller, bytes) else caller


def region_from_host(url_or_host: str) -> str | None:
    """The region in `api.sagemaker.{region}.amazonaws.com`-style hosts (and the data-plane
    services' `runtime.sagemaker.{region}`, `metrics.sagemaker.{region}`, ...)."""
    host = url_or_host.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    parts = host.split(".")
    if len(parts) >= 4 and parts[1] == "sagemaker":
        return parts[2]
    if len(parts) >= 3 and parts[0] == "sagemaker":
        return parts[1]
    return None
