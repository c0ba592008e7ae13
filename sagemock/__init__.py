"""sagemock: an in-memory Amazon SageMaker for tests.

`mock_sagemaker` intercepts every botocore request to SageMaker and answers it from in-memory
backends that follow the installed botocore service model.

Importing the package imports nothing else: each name below is imported on first use, so the
pytest plugin (loaded by every pytest run where sagemock is installed) and `import sagemock`
cost next to nothing, and a family's code loads when a request first needs it.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .backends.runtime import ModelFailure
    from .core.errors import ServiceError
    from .core.shape import ShapeError
    from .core.snapshot import SnapshotError
    from .mock import MockSageMaker, SagemockWarning, mock_sagemaker

#: Public name -> the module that defines it.
_EXPORTS = {
    "MockSageMaker": ".mock",
    "SagemockWarning": ".mock",
    "mock_sagemaker": ".mock",
    "ModelFailure": ".backends.runtime",
    "ServiceError": ".core.errors",
    "ShapeError": ".core.shape",
    "SnapshotError": ".core.snapshot",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sagemock' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["MockSageMaker", "ModelFailure", "SagemockWarning", "ServiceError", "ShapeError", "SnapshotError",
           "__version__", "mock_sagemaker"]
