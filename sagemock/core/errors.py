"""The errors SageMaker answers with, as values a backend can raise.

A backend raises the error it means (`ResourceNotFound`, `ResourceInUse`, ...). The pipeline
then sends the code the botocore model declares for that operation; where the operation declares
none of the resource errors, SageMaker answers `ValidationException` with the same message, so
`ServiceError.code_for` falls back to it.
"""
from __future__ import annotations

from .unanswerable import REASONS


class SnapshotError(ValueError):
    """A document that is not a sagemock snapshot this version can restore (or a state that
    cannot be written as one). Not an answer of SageMaker's: raised to the caller of
    `MockSageMaker.restore` (a 400 `ValidationException` over the server's admin API)."""


class ServiceError(Exception):
    """An error answered to the client as AWS answers it: `__type`, message, HTTP status."""

    code = "InternalFailure"
    status = 400
    #: Whether the code is always sent as is, even where the operation does not declare it.
    always = True

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 fields: dict[str, object] | None = None):
        super().__init__(message)
        self.message = message
        #: Members of the error shape beyond its message (ModelError's `OriginalStatusCode`, ...),
        #: sent beside it where the service's protocol carries them.
        self.fields = fields or {}
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def code_for(self, declared: frozenset[str]) -> str:
        if self.always or self.code in declared:
            return self.code
        return "ValidationException"


class ValidationError(ServiceError):
    code = "ValidationException"


class _ResourceError(ServiceError):
    always = False


class ResourceNotFound(_ResourceError):
    code = "ResourceNotFound"


class ResourceInUse(_ResourceError):
    code = "ResourceInUse"


class ResourceLimitExceeded(_ResourceError):
    code = "ResourceLimitExceeded"


class ConflictError(_ResourceError):
    code = "ConflictException"


class SerializationError(ServiceError):
    code = "SerializationException"


class UnknownOperation(ServiceError):
    code = "UnknownOperationException"


class NotImplementedOperation(ServiceError):
    """An operation of the SageMaker model that sagemock does not implement.

    HTTP 501 is not in botocore's retryable set, so the ClientError arrives at once.
    """

    code = "NotImplemented"
    status = 501

    def __init__(self, operation: str, service: str = "SageMaker"):
        reason = REASONS.get(operation)
        why = f" It cannot be answered honestly by a mock: {reason}." if reason else ""
        super().__init__(
            f"sagemock does not implement the {service} operation {operation}; "
            f"nothing was sent to AWS. See the coverage table in sagemock's docs.{why}"
        )
        self.operation = operation
