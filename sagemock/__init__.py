"""sagemock: an in-memory Amazon SageMaker for tests.

`mock_sagemaker` intercepts every botocore request to SageMaker and answers it from in-memory
backends that follow the installed botocore service model.
"""
__version__ = "0.1.0"

from . import backends  # noqa: E402, F401  (registers every family's operations)
from .core.errors import ServiceError  # noqa: E402
from .core.shape import ShapeError  # noqa: E402
from .core.snapshot import SnapshotError  # noqa: E402
from .mock import MockSageMaker, mock_sagemaker  # noqa: E402

__all__ = ["MockSageMaker", "ServiceError", "ShapeError", "SnapshotError", "__version__", "mock_sagemaker"]
