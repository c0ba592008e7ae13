"""StartSession: a remote IDE's connection to a SageMaker Studio space's app.

AWS answers a session id, a WebSocket URL (`StreamUrl`) the local IDE's SSH tunnel opens, and an
encrypted token carrying the session and the caller: the shape of an AWS Systems Manager session
(`wss://ssmmessages.<region>.amazonaws.com/v1/data-channel/<session id>?role=publish_subscribe`).
Nothing listens at a mock's URL, as nothing listens at the presigned URLs the Studio and MLflow
families hand out: what a test can check is that the resource it names exists and that each call
opens a session of its own. The mock keeps each session it opened (`sessions`, by id: the resource
and the caller), so the token's contents are the mock's to know, as AWS's are AWS's.
"""
from __future__ import annotations

import string
from typing import Any

from ..core import arns
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound
from ..core.state import Store

Document = dict[str, Any]


class RemoteSessions(Backend):
    def __init__(self, store: Store):
        super().__init__(store)
        #: Session id -> the resource it connects to, the caller, and when it was opened.
        self.sessions: dict[str, Document] = {}

    @operation
    def start_session(self, params: Params, ctx: Context) -> Document:
        """A session to an existing resource of this account and region (a space's app, or the space)."""
        arn = params["ResourceIdentifier"]
        parsed = arns.parse(arn)
        held = ctx.store.canonical(arn) if parsed is not None and (parsed.account, parsed.region) == \
            (ctx.account, ctx.region) else None
        if held is None:
            raise ResourceNotFound(f"Resource {arn} does not exist.")
        caller = ctx.user.get("IamIdentity", {}).get("Arn") or f"arn:aws:iam::{ctx.account}:root"
        session_id = f"{caller.rsplit('/', 1)[-1][:40]}-{ctx.random_id(17, string.hexdigits.lower()[:16])}"
        token = ctx.random_id(512, string.ascii_letters + string.digits + "+/")
        self.sessions[session_id] = {"ResourceIdentifier": held, "Caller": caller, "StartTime": ctx.now,
                                     "TokenValue": token}
        url = (f"wss://ssmmessages.{ctx.region}.amazonaws.com/v1/data-channel/{session_id}"
               "?role=publish_subscribe&cell-number=1")
        return {"SessionId": session_id, "StreamUrl": url, "TokenValue": token}
