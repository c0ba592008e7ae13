"""Endpoint policies: the resource-based policy an endpoint's owner attaches so that other accounts
can reach the endpoint (or the inference components on it) through their inference routers.

The policy is kept on the endpoint's own document (a private field), reached through the store's
endpoint table (never by importing the endpoints family): when the endpoint is deleted its policy
goes with it, and a new endpoint of the same name has none, as PutEndpointPolicy's documentation
says. The policy is kept as given and answered back; IAM is not evaluated. Rules and sources are
in docs/endpoint-policies.md.
"""
from __future__ import annotations

from typing import Any

from ..core import policies
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError

Document = dict[str, Any]
ENDPOINT = "endpoint"
#: Where the policy is kept on the endpoint's document (private: DescribeEndpoint does not answer it).
POLICY = "_ResourcePolicy"
#: PutEndpointPolicy: "You can't attach a policy to an endpoint whose status is Deleting or Failed."
REFUSED = ("Deleting", "Failed")


def _endpoint(ctx: Context, name: str) -> Document:
    """The endpoint a request names, or ResourceNotFound (the error the three operations declare),
    in the words SageMaker uses for a missing endpoint."""
    document = ctx.store.table(ENDPOINT).find(ctx, name)
    if document is None:
        raise ResourceNotFound(f'Could not find endpoint "{ctx.arn_for(ENDPOINT, name)}".')
    return document


class EndpointPolicies(Backend):

    @operation
    def put_endpoint_policy(self, params: Params, ctx: Context) -> Document:
        document = _endpoint(ctx, params["EndpointName"])
        status = document.get("EndpointStatus")
        if status in REFUSED:
            raise ValidationError(f'Cannot attach a policy to endpoint "{document["EndpointArn"]}" because its '
                                  f"status is {status}.")
        policy = params["ResourcePolicy"]
        policies.check(policy, ascii_only=True)
        document[POLICY] = policy  # replaces the endpoint's existing policy, if it has one
        return {"EndpointArn": document["EndpointArn"]}

    @operation
    def get_endpoint_policy(self, params: Params, ctx: Context) -> Document:
        document = _endpoint(ctx, params["EndpointName"])
        policy = document.get(POLICY)
        if policy is None:  # "If the endpoint doesn't have a policy, you get a ValidationException."
            raise ValidationError(f"Cannot find resource policy for: {document['EndpointArn']}")
        return {"EndpointName": document["EndpointName"], "EndpointArn": document["EndpointArn"],
                "ResourcePolicy": policy}

    @operation
    def delete_endpoint_policy(self, params: Params, ctx: Context) -> None:
        document = _endpoint(ctx, params["EndpointName"])
        document.pop(POLICY, None)  # "If the endpoint doesn't have a policy, the operation succeeds."
        return None
