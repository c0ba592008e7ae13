"""sagemock: an in-memory Amazon SageMaker for tests.

`mock_sagemaker` intercepts every botocore request to SageMaker and answers it from in-memory
backends that follow the installed botocore service model.
"""
from . import backends  # noqa: F401  (registers every family's operations)
from .core.errors import ServiceError
from .core.shape import ShapeError
from .mock import MockSageMaker, mock_sagemaker

__version__ = "0.1.0"
__all__ = ["MockSageMaker", "ServiceError", "ShapeError", "__version__", "mock_sagemaker"]
