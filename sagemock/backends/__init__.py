"""The resource families. Importing this package registers every operation they implement."""
from ..core import tags  # noqa: F401  (AddTags, DeleteTags, ListTags)
from . import algorithms, model_cards, registry  # noqa: F401
