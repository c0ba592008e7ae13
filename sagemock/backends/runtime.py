"""SageMaker Runtime: invoking endpoints (InvokeEndpoint, its streaming and asynchronous forms).

The runtime answers for the endpoints the control plane holds, read through `store.table`: an
invocation names an endpoint that exists and serves traffic (InService, or Updating, SystemUpdating
and RollingBack, which keep serving the deployment they had), and the variant, container or model
it targets must be one the endpoint runs. Anything else is refused with the runtime's
`ValidationError`, as AWS refuses it (see docs/runtime.md for the sources).

What the model behind an endpoint answers is the test's choice: `MockSageMaker.set_endpoint_response`
registers canned bytes or a function of the request, per endpoint and optionally per variant. With
nothing registered, an endpoint echoes the request body with its content type, so any serializer and
its matching deserializer round-trip. A function that raises is a model that failed: the client gets
AWS's `ModelError` (424) with the original status and message.

Only reads: invoking changes no resource (`READS`), so a state file never saves after it.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ..core import arns, s3
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ServiceError, ValidationError

Document = dict[str, Any]
#: What a registered response may be: the answer's bytes (text is sent as UTF-8), a pair of them
#: with the answer's content type, or a list of chunks (each a PayloadPart when streamed).
Answer = bytes | str | tuple[bytes | str, str] | list[bytes | str]
Responder = Answer | Callable[[bytes, str | None, dict[str, str]], Any]

#: `State.hooks` key of the registered responses: (endpoint key, variant or None) -> responder.
HOOK = "runtime.responses"
#: Endpoint statuses in which the endpoint serves its current deployment (EndpointStatus's
#: documentation: an update or a rollback runs beside the serving deployment).
SERVING = ("InService", "Updating", "SystemUpdating", "RollingBack")
#: The members of an invocation that travel as headers, as a responder sees them.
_HEADER_MEMBERS = ("Accept", "CustomAttributes", "TargetModel", "TargetVariant", "TargetContainerHostname",
                   "InferenceId", "EnableExplanations", "InferenceComponentName", "SessionId")
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def register(hooks: dict[str, Any], endpoint_name: str, responder: Responder, variant: str | None,
             inference_component: str | None = None) -> None:
    """Make an endpoint (one variant of it, with `variant`; one inference component on it, with
    `inference_component`) answer with `responder`."""
    target = ("component", inference_component) if inference_component is not None else variant
    hooks.setdefault(HOOK, {})[(arns.key("endpoint", endpoint_name), target)] = responder


class ModelFailure(Exception):
    """Raise it from a registered responder to fail as a model container does, with the HTTP status
    the container answered (any other exception is a 500)."""

    def __init__(self, message: str, status_code: int = 500):
        super().__init__(message)
        self.status_code = status_code


def _not_found(name: str, ctx: Context) -> ValidationError:
    """AWS's answer for an endpoint the runtime does not know."""
    return ValidationError(f"Endpoint {name} of account {ctx.account} not found.")


#: Members an invocation passes to the registered response and does nothing else with.
_PASSED_ON = {
    "Accept": "passed to the responder; the model decides what it answers",
    "CustomAttributes": "passed to the responder and echoed, as a model's container would",
    "InferenceId": "passed to the responder; data capture is not simulated",
    "SessionId": "passed to the responder; stateful sessions are not simulated",
}


class Runtime(Backend):
    """InvokeEndpoint, InvokeEndpointWithResponseStream and InvokeEndpointAsync."""

    SERVICE = "sagemaker-runtime"
    READS = frozenset({"InvokeEndpoint", "InvokeEndpointWithResponseStream", "InvokeEndpointAsync"})

    @operation(ignores={**_PASSED_ON, "EnableExplanations": "passed to the responder; Clarify explanations are "
                                                             "not simulated"})
    def invoke_endpoint(self, params: Params, ctx: Context) -> Document:
        endpoint, variant = self._target(params, ctx)
        parts = self._answer(endpoint, variant, params, ctx, params.get("ContentType"))
        return {"Body": b"".join(parts.chunks), "ContentType": parts.content_type,
                "InvokedProductionVariant": variant, "CustomAttributes": params.get("CustomAttributes")}

    @operation(ignores=_PASSED_ON)
    def invoke_endpoint_with_response_stream(self, params: Params, ctx: Context) -> Document:
        endpoint, variant = self._target(params, ctx)
        parts = self._answer(endpoint, variant, params, ctx, params.get("ContentType"))
        events: list[Document] = [{"PayloadPart": {"Bytes": chunk}} for chunk in parts.chunks]
        if parts.broken is not None:
            events.append({"ModelStreamError": {"Message": parts.broken, "ErrorCode": "StreamBroken"}})
        return {"Body": events, "ContentType": parts.content_type, "InvokedProductionVariant": variant,
                "CustomAttributes": params.get("CustomAttributes")}

    @operation(ignores={
        "Accept": "passed to the responder; the model decides what it answers",
        "CustomAttributes": "passed to the responder",
        "RequestTTLSeconds": "the request is answered at once, well within any TTL",
        "InvocationTimeoutSeconds": "the request is answered at once, well within any timeout",
    })
    def invoke_endpoint_async(self, params: Params, ctx: Context) -> Document:
        endpoint, variant = self._target(params, ctx)
        config = self.store.table("endpoint-config").get(arns.key("endpoint-config", endpoint["EndpointConfigName"]))
        output = ((config or {}).get("AsyncInferenceConfig") or {}).get("OutputConfig")
        if output is None:
            raise ValidationError(f"Endpoint {params['EndpointName']} of account {ctx.account} is not configured for "
                                  "asynchronous inference (its endpoint configuration has no AsyncInferenceConfig).")
        inference_id = params.get("InferenceId") or str(uuid.UUID(int=ctx.state.random.getrandbits(128), version=4))
        name = params.get("Filename") or inference_id
        extension = params.get("S3OutputPathExtension")
        output_uri = _join(output.get("S3OutputPath") or output.get("S3FailurePath"), extension, f"{name}.out")
        failure_path = output.get("S3FailurePath")
        failure_uri = _join(failure_path, extension, f"{name}-error.out") if failure_path else None
        _run_async(self, endpoint, variant, params, ctx, output_uri, failure_uri)
        return {"InferenceId": inference_id, "OutputLocation": output_uri, "FailureLocation": failure_uri}

    # -- the endpoint and what it answers --------------------------------------------------------

    def _target(self, params: Params, ctx: Context) -> tuple[Document, str]:
        """The endpoint a request invokes and the variant that answers it, each checked."""
        name = params["EndpointName"]
        endpoint = self.store.table("endpoint").find(ctx, name)
        if endpoint is None or endpoint.get("EndpointStatus") not in SERVING:
            raise _not_found(name, ctx)
        variants = [variant["VariantName"] for variant in endpoint.get("ProductionVariants") or ()]
        wanted = params.get("TargetVariant")
        if wanted is not None and wanted not in variants:
            raise ValidationError(f"The variant {wanted} is not a production variant of endpoint {name} "
                                  f"(its variants: {', '.join(variants)}).")
        variant = wanted if wanted is not None else self._pick(endpoint, ctx)
        models = [self.store.table("model").get(arns.key("model", model_name))
                  for model_name in (endpoint.get("_variant_models") or {}).get(variant, ())]
        containers = [container for model in models if model is not None
                      for container in ([model["PrimaryContainer"]] if model.get("PrimaryContainer")
                                        else model.get("Containers") or ())]
        if params.get("TargetModel") is not None and not any(c.get("Mode") == "MultiModel" for c in containers):
            raise ValidationError(f"Endpoint {name} is not a multi-model endpoint and does not support target "
                                  "model header.")
        hostname = params.get("TargetContainerHostname")
        if hostname is not None:
            direct = any((model or {}).get("InferenceExecutionConfig", {}).get("Mode") == "Direct" for model in models)
            hostnames = [c.get("ContainerHostname") for c in containers if c.get("ContainerHostname")]
            if not direct or hostname not in hostnames:
                raise ValidationError(f"The container hostname {hostname} is not a container of endpoint {name} "
                                      "that takes direct invocations.")
        component = params.get("InferenceComponentName")
        if component is not None:
            # The component must be one of this endpoint's, and serving (InvokeEndpoint:
            # "If the endpoint hosts one or more inference components, this parameter specifies the
            # name of inference component to invoke"); it answers from its own variant.
            found = self.store.table("inference-component").find(ctx, component)
            if found is None or found["EndpointName"] != endpoint["EndpointName"] \
                    or found.get("InferenceComponentStatus") not in ("InService", "Updating"):
                raise ValidationError(f"Inference component {component} of account {ctx.account} not found.")
            variant = found["VariantName"]
        return endpoint, variant

    @staticmethod
    def _pick(endpoint: Document, ctx: Context) -> str:
        """A production variant drawn by weight, as SageMaker splits traffic between variants."""
        variants: list[Document] = endpoint.get("ProductionVariants") or []
        weights = [float(v.get("CurrentWeight", v.get("DesiredWeight", 1.0)) or 0.0) for v in variants]
        if len(variants) == 1 or not any(weights):
            return str(variants[0]["VariantName"])
        draw = ctx.state.random.random() * sum(weights)
        for variant, weight in zip(variants, weights, strict=True):
            draw -= weight
            if draw < 0:
                return str(variant["VariantName"])
        return str(variants[-1]["VariantName"])

    def _answer(self, endpoint: Document, variant: str, params: Params, ctx: Context,
                content_type: str | None, body: bytes | None = None) -> _Parts:
        """What the endpoint's model answers this request (or `ModelError` if it fails)."""
        request = params.get("Body", b"") if body is None else body
        responses = ctx.state.hooks.get(HOOK) or {}
        key = arns.key("endpoint", endpoint["EndpointName"])
        component = params.get("InferenceComponentName")
        responder = responses.get((key, ("component", component))) if component is not None else None
        if responder is None:
            responder = responses.get((key, variant), responses.get((key, None)))
        if responder is None:  # the documented default: the body back, as sent
            return _Parts([request], content_type or DEFAULT_CONTENT_TYPE, None)
        answer = responder
        if callable(responder):
            given = {member: params[member] for member in _HEADER_MEMBERS if params.get(member) is not None}
            try:
                answer = responder(request, content_type, given)
            except Exception as failure:  # noqa: BLE001  (the model failed: AWS's ModelError says how)
                raise _model_error(failure, endpoint, params, ctx) from None
        return _parts(answer, params.get("Accept") or content_type, endpoint, params, ctx)


class _Parts:
    """A model's answer: its chunks, content type, and the error that broke its stream, if any."""

    __slots__ = ("chunks", "content_type", "broken")

    def __init__(self, chunks: list[bytes], content_type: str, broken: str | None):
        self.chunks, self.content_type, self.broken = chunks, content_type, broken


def _bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    raise TypeError(f"an endpoint response must be bytes or str, not {type(value).__name__}")


def _parts(answer: Any, content_type: str | None, endpoint: Document, params: Params, ctx: Context) -> _Parts:
    if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[1], str):
        answer, content_type = answer
    if isinstance(answer, (bytes, bytearray, memoryview, str)):
        return _Parts([_bytes(answer)], content_type or DEFAULT_CONTENT_TYPE, None)
    chunks: list[bytes] = []
    try:
        for chunk in answer:
            chunks.append(_bytes(chunk))
    except TypeError:
        raise
    except Exception as failure:  # noqa: BLE001  (a stream the model broke after its first chunks)
        if not chunks:
            raise _model_error(failure, endpoint, params, ctx) from None
        return _Parts(chunks, content_type or DEFAULT_CONTENT_TYPE, str(failure))
    return _Parts(chunks, content_type or DEFAULT_CONTENT_TYPE, None)


def _model_error(failure: BaseException, endpoint: Document, params: Params, ctx: Context) -> ServiceError:
    """AWS's ModelError for a model that answered an error (the responder raised)."""
    status = getattr(failure, "status_code", None)
    status = status if isinstance(status, int) and 400 <= status <= 599 else 500
    kind = "client" if status < 500 else "server"
    name, region = endpoint["EndpointName"], ctx.region
    source = params.get("TargetContainerHostname") or "primary"
    group = f"/aws/sagemaker/Endpoints/{name}"
    message = (f'Received {kind} error ({status}) from {source} with message "{failure}". See '
               f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logEventViewer:group={group} "
               f"in account {ctx.account} for more information.")
    log_stream = f"arn:aws:logs:{region}:{ctx.account}:log-group:{group}"
    return ServiceError(message, code="ModelError", status=424,
                        fields={"OriginalStatusCode": status, "OriginalMessage": str(failure),
                                "LogStreamArn": log_stream})


def _join(path: str, extension: str | None, filename: str) -> str:
    parts = [path.rstrip("/")]
    if extension:
        parts.append(extension.strip("/"))
    parts.append(filename)
    return "/".join(parts)


def _run_async(runtime: Runtime, endpoint: Document, variant: str, params: Params, ctx: Context,
               output_uri: str, failure_uri: str | None) -> None:
    """Run an asynchronous invocation now: read its input from S3, write the answer (or the
    failure) where the answer says, when something serves S3 in the test; else write nothing."""
    bucket, key = s3.split(params["InputLocation"])
    try:
        body = s3.get(bucket, key, ctx.region)
    except s3.NothingServesS3:
        return
    except s3.S3Error as error:
        _write_failure(failure_uri, f"The input {params['InputLocation']} could not be read: {error}", ctx)
        return
    try:
        parts = runtime._answer(endpoint, variant, params, ctx, params.get("ContentType"), body)
    except ServiceError as error:
        _write_failure(failure_uri, error.message, ctx)
        return
    out_bucket, out_key = s3.split(output_uri)
    try:
        s3.put(out_bucket, out_key, b"".join(parts.chunks), ctx.region, parts.content_type)
    except (s3.NothingServesS3, s3.S3Error):
        return


def _write_failure(failure_uri: str | None, message: str, ctx: Context) -> None:
    if failure_uri is None:
        return
    bucket, key = s3.split(failure_uri)
    try:
        s3.put(bucket, key, message.encode(), ctx.region, "text/plain")
    except (s3.NothingServesS3, s3.S3Error):
        return

