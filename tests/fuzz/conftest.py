"""Hypothesis profiles for the fuzz tests (`tests/fuzz`).

`ci` (the default) is bounded and reproducible: derandomized, so every run draws the same
examples (hypothesis derives them from each test's name), with no example database and no
deadline. The whole directory runs in about 30-35 s on two cores.

`compat` is `ci` with a quarter of the examples, for the CI job on the oldest supported botocore
(`.ci/run`): there the point is the older model, not the exploring.

`long` explores: random draws (a new seed every run), 300 examples per operation test and 300
sequences of up to 80 steps per family; fifteen to twenty minutes. Select it with an environment
variable:

    HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz

A failure prints a `@reproduce_failure(...)` blob that replays it; `--hypothesis-seed=N` makes a
whole run repeatable. Neither profile keeps an example database (hypothesis still keeps its
character caches in `.hypothesis/`, which carries its own `.gitignore`).
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Large inputs (a whole CreateTrainingJob) and filtered strategies (patterns) are expected here.
_CHECKS_OFF = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
               HealthCheck.function_scoped_fixture]

settings.register_profile("ci", max_examples=12, stateful_step_count=30, deadline=None, derandomize=True,
                          database=None, print_blob=True, suppress_health_check=_CHECKS_OFF)
#: The oldest-botocore CI job's: the same reproducible draws as `ci`, a quarter as many. That job
#: checks that an older model's differences break nothing (every operation's example still runs);
#: the main job fuzzes at full count.
settings.register_profile("compat", max_examples=3, stateful_step_count=10, deadline=None, derandomize=True,
                          database=None, print_blob=True, suppress_health_check=_CHECKS_OFF)
settings.register_profile("long", max_examples=300, stateful_step_count=80, deadline=None, database=None,
                          print_blob=True, suppress_health_check=_CHECKS_OFF)


def selected() -> settings:
    """The profile `HYPOTHESIS_PROFILE` names (`ci` if none), for the fuzz tests to decorate with.

    Applied per test rather than loaded for the process, so other hypothesis tests keep theirs.
    """
    return settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
