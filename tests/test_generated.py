"""Files generated from the code are current: `python -m sagemock.generate` rewrites them.

The family index (which module answers which operation, for loading families on first use) and
the status diagrams of the docs pages must match the code exactly; docs/coverage.md has its own
test (tests/test_cli.py), which allows for another botocore's model.
"""
from __future__ import annotations

import importlib
import pkgutil

from sagemock import backends, diagrams, generate, rule_pages
from sagemock.core import backend, lifecycle, resource

STALE = f"out of date: run `{generate.COMMAND}` from the repository root"


def test_the_family_index_is_current():
    assert generate.INDEX.read_text(encoding="utf-8") == generate.index_text(), STALE


def test_the_index_names_every_operation_a_family_implements_and_its_module():
    from sagemock.backends import _index

    for found in pkgutil.iter_modules(backends.__path__):
        if not found.name.startswith("_"):
            importlib.import_module(f"sagemock.backends.{found.name}")
    assert {name: cls.__module__ for name, (cls, _method) in backend.METHODS.items()} == _index.OPERATIONS


def test_every_lifecycle_has_a_docs_page_and_every_page_entry_a_lifecycle():
    declared = set(diagrams.lifecycles())
    missing = declared - set(diagrams.DOCS_PAGES)
    assert not missing, f"add these lifecycles' docs pages to sagemock/diagrams.py DOCS_PAGES: {sorted(missing)}"
    assert set(diagrams.DOCS_PAGES) <= declared, "DOCS_PAGES names a lifecycle nobody declares"


def test_every_declared_resource_has_a_docs_page_for_its_rules():
    declared = set(rule_pages.resources())
    missing = declared - set(rule_pages.RESOURCE_PAGES)
    assert not missing, f"add these resources' docs pages to sagemock/rule_pages.py RESOURCE_PAGES: {sorted(missing)}"
    newer = set(resource.NEWER)  # declared only where the installed model has them (`resource.NEWER`)
    assert set(rule_pages.RESOURCE_PAGES) <= declared | newer, "RESOURCE_PAGES names a resource nobody declares"


def test_a_family_page_lists_each_rule_with_its_source_and_each_waiver_with_its_reason():
    text = (generate.ROOT / "docs" / "processing.md").read_text(encoding="utf-8")
    section = text[text.index(rule_pages.BEGIN):text.index(rule_pages.END)]
    declared = rule_pages.resources()["ProcessingJob"]
    for rule in declared.rules:
        assert rule.source in section
    for fragment, reason in declared.waivers.items():
        assert f"| {fragment} | {reason} |" in section
    shared = (generate.ROOT / "docs" / rule_pages.SHARED_PAGE).read_text(encoding="utf-8")
    assert "| iam:PassRole |" in shared


def test_the_docs_pages_show_the_current_status_machines():
    for page in sorted(set(diagrams.DOCS_PAGES.values())):
        text = (generate.ROOT / "docs" / page).read_text(encoding="utf-8")
        assert diagrams.update_page(text, page) == text, f"docs/{page} is {STALE}"


def test_a_status_machine_is_drawn_from_its_declaration():
    drawn = diagrams.lifecycle_mermaid(lifecycle.REGISTRY["compilation-job"])
    lines = drawn.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> STARTING : create" in lines
    assert "    STARTING --> INPROGRESS" in lines and "    INPROGRESS --> COMPLETED" in lines
    assert "    INPROGRESS --> FAILED : fail_next" in lines
    # StopCompilationJob is accepted from STARTING and INPROGRESS only (the declaration's `accepts`).
    assert "    STARTING --> STOPPING : stop" in lines and "    INPROGRESS --> STOPPING : stop" in lines
    assert not any(line.startswith("    COMPLETED --> STOPPING") for line in lines)


def test_generate_check_reports_nothing_stale():
    """Nothing the generator writes is stale, but for what depends on the installed botocore's
    model: docs/coverage.md, the counts pages quote (checked against it above) and the source lines
    per operation (which count the operations the model has)."""
    def without_counts(text: str) -> str:
        return generate.COST.sub("", generate.COUNT.sub("", text))

    # The rule ledger of a resource the installed model is too old for is written from a newer one.
    rule_pages.resources()  # every family imported
    newer = {rule_pages.RESOURCE_PAGES[noun] for noun in resource.NEWER}
    stale = [path.relative_to(generate.ROOT).as_posix() for path, wanted in generate.stale().items()
             if path.name != "coverage.md" and path.name not in newer
             and without_counts(wanted) != without_counts(path.read_text(encoding="utf-8"))]
    assert stale == [], STALE


def test_every_page_quotes_the_count_of_docs_coverage_md():
    """Pages quote one count, the one docs/coverage.md was generated with (which its own test
    checks against the code): `<!-- sagemock:count -->` markers, rewritten by the generator."""
    import re

    summary = (generate.ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    implemented, total, version = re.search(
        r"implements \*\*(\d+) of (\d+)\*\* operations of the SageMaker API model in botocore ([\d.]+)\.",
        summary).groups()
    phrase = f"{implemented} of the {total} SageMaker operations in botocore {version}"
    quoted = {path.name: generate.COUNT.findall(path.read_text(encoding="utf-8"))
              for path in (generate.ROOT / "docs").glob("*.md")}
    quoted = {name: found for name, found in quoted.items() if found}
    assert {"comparison.md", "migrating-from-moto.md"} <= set(quoted)
    for name, found in quoted.items():
        assert [middle for _open, middle, _close in found] == [phrase] * len(found), f"docs/{name} is {STALE}"


def test_every_operation_says_how_deeply_it_is_modelled():
    from sagemock import coverage

    assert coverage.fidelity("CreateTrainingJob") == coverage.HAND_WRITTEN
    assert coverage.fidelity("CreateProcessingJob") == coverage.DECLARED_WITH_RULES  # AWS's rules, with sources
    assert coverage.fidelity("DeleteProcessingJob") == coverage.DECLARED_WITH_RULES  # terminal statuses only
    # a rule declared for Delete (`Rule.on`): a definition a schedule still uses is refused
    assert coverage.fidelity("DeleteDataQualityJobDefinition") == coverage.DECLARED_WITH_RULES
    assert coverage.fidelity("DescribeModel") == coverage.DECLARED
    table = (generate.ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert "| `CreateProcessingJob` | `processing` | declared, with rules |" in table
    for operation in backend.implemented():
        assert coverage.fidelity(operation) in (coverage.HAND_WRITTEN, coverage.DECLARED_WITH_RULES,
                                                coverage.DECLARED)


def test_the_cost_of_breadth_counts_every_operation_and_family_module():
    """docs/adding-a-family.md's source lines per operation cover every implemented operation and
    every module of sagemock/backends."""
    import re

    from sagemock import coverage

    table = coverage.cost_table()
    [(modules, lines, operations)] = re.findall(r"\| all of them \| (\d+) \| ([\d,]+) \| (\d+) \|", table)
    assert int(operations) == len(backend.implemented())
    family_files = [path for path in (generate.ROOT / "sagemock" / "backends").glob("*.py")
                    if not path.name.startswith("_")]
    assert int(modules) == len(family_files)
    assert int(lines.replace(",", "")) > 10 * int(operations)  # nothing is free: each operation has its code
