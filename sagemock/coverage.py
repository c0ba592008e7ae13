"""Which SageMaker operations sagemock answers, against every operation of the service model.

This is the generator of docs/coverage.md (`sagemock coverage --markdown`), so the published
table is the code's own answer; a test fails when the committed file drifts from it.

Every operation of the model is listed. An implemented one belongs to the family module that
implements it (`registry` for `sagemock.backends.registry`). The others are grouped by the
resource they act on, read off the operation's name (`DescribeHyperParameterTuningJob` and
`ListHyperParameterTuningJobs` both act on `HyperParameterTuningJob`); an unimplemented
operation on a resource a family covers (`DeleteTrainingJob`) is listed under that family.
"""
from __future__ import annotations

import re
from pathlib import Path

import botocore
from botocore import xform_name

from .core import backend, service, unanswerable

REGENERATE = "python -m sagemock coverage --markdown > docs/coverage.md"
#: The heading of the part of docs/coverage.md that depends on the installed botocore's model
#: beyond the implemented operations (a test compares only the rest under another botocore).
NOT_IMPLEMENTED_HEADING = "## Operations sagemock does not implement"
#: The heading of the operations that cannot be honest in a mock (`core.unanswerable`), with reasons.
UNANSWERABLE_HEADING = "## Operations no mock can answer honestly"

_VERB = re.compile(r"(Batch)?([A-Z][a-z]+)(.*)")


def family_of(operation: str) -> str:
    """The family module implementing an operation: `registry` for sagemock.backends.registry."""
    found = backend.lookup(operation)
    if found is None:
        raise LookupError(f"sagemock does not implement {operation}")
    return found[0].__module__.rsplit(".", 1)[-1]


#: How deeply each implemented operation is modelled (the "Fidelity" column of docs/coverage.md).
HAND_WRITTEN = "hand-written"
DECLARED_WITH_RULES = "declared, with rules"
DECLARED = "declared (mechanics only)"


def fidelity(operation: str) -> str:
    """How an implemented operation is modelled: written by hand in its family; generated from a
    declared resource that enforces rules of its own for it (AWS's prose rules, references to other
    resources, status guards); or generated with only the shared mechanics (the input shape's
    constraints, names, ARNs, tags, listing)."""
    from .core.resource import checks_beyond_shapes

    found = backend.lookup(operation)
    if found is None:
        raise LookupError(f"sagemock does not implement {operation}")
    resource = getattr(found[1], "__sagemock_declared__", None)
    if resource is None:
        return HAND_WRITTEN
    verb = xform_name(operation).split("_", 1)[0]
    return DECLARED_WITH_RULES if checks_beyond_shapes(resource, verb) else DECLARED


def resource_of(operation: str) -> str:
    """The resource an operation acts on, from its name: the name without its verb, in the
    singular for the verbs that act on many (`ListTrainingJobs` -> `TrainingJob`)."""
    match = _VERB.fullmatch(operation)
    if match is None or not match.group(3):
        return operation
    batch, verb, rest = match.groups()
    if batch or verb == "List":
        rest = _singular(rest)
    return rest


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("sses", "ases")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


def implemented_by_family() -> dict[str, list[str]]:
    """Implemented operations grouped by family module, families and operations sorted."""
    families: dict[str, list[str]] = {}
    for operation in backend.implemented():
        families.setdefault(family_of(operation), []).append(operation)
    return dict(sorted(families.items()))


def all_by_family() -> dict[str, list[tuple[str, bool]]]:
    """Every operation of the model as (operation, implemented), under its family when a family
    covers its resource, else under the resource's name; groups and operations sorted."""
    covered: dict[str, str] = {}
    implemented = set(backend.implemented())
    for operation in sorted(implemented):
        covered.setdefault(resource_of(operation), family_of(operation))
    groups: dict[str, list[tuple[str, bool]]] = {}
    for operation in service.operation_names():
        is_implemented = operation in implemented
        group = family_of(operation) if is_implemented else covered.get(resource_of(operation),
                                                                          resource_of(operation))
        groups.setdefault(group, []).append((operation, is_implemented))
    return {group: sorted(groups[group]) for group in sorted(groups, key=lambda name: (name[0].isupper(), name))}


DATA_PLANE_HEADING = "## Data-plane services"


def data_plane() -> list[tuple[str, str, str | None]]:
    """(service, operation, family module or None) for every operation of the data-plane services."""
    rows = []
    for service_name in service.DATA_PLANE:
        implemented = set(backend.implemented_in(service_name))
        for operation in sorted(service.operation_names_in(service_name)):
            found = backend.lookup(operation, service_name) if operation in implemented else None
            rows.append((service_name, operation, found[0].__module__.rsplit(".", 1)[-1] if found else None))
    return rows


def count_phrase() -> str:
    """How many operations sagemock answers out of the installed model's (the phrase docs pages
    carry between `<!-- sagemock:count -->` markers, kept current by `python -m sagemock.generate`)."""
    implemented, total = len(backend.implemented()), len(service.operation_names())
    return f"{implemented} of the {total} SageMaker operations in botocore {botocore.__version__}"


def summary_line() -> str:
    """The one line that depends on the installed botocore (its version and operation count)."""
    implemented, total = len(backend.implemented()), len(service.operation_names())
    return (f"sagemock implements **{implemented} of {total}** operations of the SageMaker API "
            f"model in botocore {botocore.__version__}.")


def markdown() -> str:
    """The text of docs/coverage.md."""
    groups = all_by_family()
    families = {name: operations for name, operations in groups.items() if name[0].islower()}
    others = {name: operations for name, operations in groups.items() if not name[0].islower()}
    lines = [
        "# SageMaker operations sagemock implements",
        "",
        f"<!-- Generated by `{REGENERATE}`: do not edit by hand. -->",
        "",
        summary_line(),
        "Every other operation of the model answers a `NotImplemented` error (HTTP 501) that names it;",
        "nothing is ever sent to AWS.",
        "",
        "## By family",
        "",
        "| Family | Implemented | Operations |",
        "|---|---:|---|",
    ]
    for family, operations in families.items():
        done = [operation for operation, is_implemented in operations if is_implemented]
        missing = [operation for operation, is_implemented in operations if not is_implemented]
        listed = ", ".join(f"`{operation}`" for operation in done)
        if missing:
            listed += "; not implemented: " + ", ".join(f"`{operation}`" for operation in missing)
        lines.append(f"| `{family}` | {len(done)} | {listed} |")
    lines += [
        "",
        "## Operations",
        "",
        f"Fidelity: **{HAND_WRITTEN}** (the family's own code: every rule its docs page lists), "
        f"**{DECLARED_WITH_RULES}** (generated from a declared resource that enforces AWS's rules for",
        "it, each with its source: the family page's rule ledger), or "
        f"**{DECLARED}** (generated: the input shape's constraints, names, ARNs, tags and",
        "listing, and nothing else). Every operation also checks its input against the model's shapes.",
        "",
        "| Operation | Family | Fidelity |",
        "|---|---|---|",
    ]
    lines += [f"| `{operation}` | `{family_of(operation)}` | {fidelity(operation)} |"
              for operation in backend.implemented()]
    lines += ["", DATA_PLANE_HEADING, "",
              "The services SageMaker flows call at run time, intercepted beside SageMaker (each validated from",
              "its own model, answering its own errors). An operation not implemented answers `NotImplemented`.",
              "",
              "| Service | Operation | Family |",
              "|---|---|---|"]
    lines += [f"| `{service_name}` | `{operation}` | {f'`{family}`' if family else 'not implemented'} |"
              for service_name, operation, family in data_plane()]
    lines += ["", UNANSWERABLE_HEADING, "",
              "Operations no mock can answer honestly: each keeps answering `NotImplemented`, whose message "
              "gives the reason.", "",
              "| Operation | Why |",
              "|---|---|"]
    lines += [f"| `{operation}` | {reason} |" for operation, reason in sorted(unanswerable.REASONS.items())]
    lines += [
        "",
        NOT_IMPLEMENTED_HEADING,
        "",
        "Grouped by the resource they act on.",
        "",
        "| Resource | Operations |",
        "|---|---|",
    ]
    for resource, operations in others.items():
        lines.append(f"| {resource} | {', '.join(f'`{operation}`' for operation, _ in operations)} |")
    return "\n".join(lines) + "\n"


def text() -> str:
    """The plain listing `sagemock coverage` prints."""
    lines: list[str] = []
    for family, operations in implemented_by_family().items():
        lines.append(f"{family} ({len(operations)})")
        lines += [f"  {operation}" for operation in operations]
    implemented, total = len(backend.implemented()), len(service.operation_names())
    lines.append(f"{implemented} of {total} SageMaker operations implemented (botocore {botocore.__version__})")
    lines.append(f"(the installed botocore {botocore.__version__} has {total} SageMaker operations; "
                 f"docs/coverage.md lists them for the botocore it was generated with)")
    return "\n".join(lines) + "\n"


__all__ = ["DECLARED", "DECLARED_WITH_RULES", "HAND_WRITTEN", "REGENERATE", "all_by_family", "family_of", "fidelity",
           "implemented_by_family", "markdown", "resource_of", "text"]


def _source_lines(path: Path) -> int:
    """A module's lines that hold something (code, docstrings, comments): blank lines not counted."""
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def cost_table() -> str:
    """What breadth costs in source: lines per operation, for the families whose operations are all
    generated from declarations and for those with hand-written ones (the table
    docs/adding-a-family.md carries between `<!-- sagemock:cost -->` markers, kept current by
    `python -m sagemock.generate`)."""
    from .backends import _index

    package = Path(__file__).resolve().parent
    operations: dict[str, list[str]] = {}
    for operation in backend.implemented():
        operations.setdefault(_index.OPERATIONS[xform_name(operation)], []).append(operation)
    rows = {"declared": [0, 0, 0], "hand": [0, 0, 0], "helpers": [0, 0, 0]}
    for path in sorted((package / "backends").glob("*.py")):
        if path.name.startswith("_"):
            continue
        answered = operations.get(f"sagemock.backends.{path.stem}", [])
        kind = "helpers" if not answered else \
            "hand" if any(fidelity(operation) == HAND_WRITTEN for operation in answered) else "declared"
        row = rows[kind]
        row[0] += 1
        row[1] += _source_lines(path)
        row[2] += len(answered)
    core = [path for path in sorted((package / "core").glob("*.py"))]
    everything = [sum(row[column] for row in rows.values()) for column in range(3)]

    def per(row: list[int]) -> str:
        return f"{row[1] / row[2]:.0f}" if row[2] else "n/a"

    lines = [
        "| sagemock/backends | modules | source lines | operations | lines per operation |",
        "|---|---:|---:|---:|---:|",
        f"| families whose every operation is generated from declarations | {rows['declared'][0]} | "
        f"{rows['declared'][1]:,} | {rows['declared'][2]} | {per(rows['declared'])} |",
        f"| families with hand-written operations | {rows['hand'][0]} | {rows['hand'][1]:,} | {rows['hand'][2]} | "
        f"{per(rows['hand'])} |",
        f"| modules the families share (no operations of their own) | {rows['helpers'][0]} | "
        f"{rows['helpers'][1]:,} | | |",
        f"| all of them | {everything[0]} | {everything[1]:,} | {everything[2]} | {per(everything)} |",
        "",
        f"The engine and the other shared mechanics (`sagemock/core`): {len(core)} modules, "
        f"{sum(_source_lines(path) for path in core):,} source lines. Source lines are the lines that hold "
        "anything (code, docstrings, comments); a family counts as hand-written where any of its operations is.",
    ]
    return "\n".join(lines)
