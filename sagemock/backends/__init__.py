"""The resource families. Importing this package registers every operation they implement."""
from ..core import tags  # noqa: F401  (AddTags, DeleteTags, ListTags)
from . import (  # noqa: F401
    algorithms,
    compilation,
    endpoint_configs,
    endpoints,
    experiments,
    lineage,
    model_cards,
    models,
    notebooks,
    pipelines,
    projects,
    registry,
    search,
    training,
)
