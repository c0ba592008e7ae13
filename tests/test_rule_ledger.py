"""The rule ledger: every rule-like sentence the model's documentation states for a declared
resource's operations ("must", "cannot", "only if", "mutually exclusive", "at least" ...) is either
claimed by one of the declaration's rules (with its source) or waived with a reason.

An unclaimed sentence fails here, so a rule AWS states in prose is never silently skipped by a
generated family, and a newer botocore that states a new one fails CI until someone looks at it.
A waiver or claim that matches nothing is stale and fails too.
"""
from __future__ import annotations

import re
from pathlib import Path

import botocore
import pytest

from sagemock.core import backend
from sagemock.core.resource import RESOURCES, SHARED_WAIVERS, rule_sentences, unclaimed

backend.load_all()


@pytest.mark.parametrize("noun", sorted(RESOURCES))
def test_every_rule_like_sentence_is_claimed_or_waived(noun):
    left = unclaimed(RESOURCES[noun])
    assert not left, "\n".join(f"{where}: {sentence}" for where, sentence in left)


#: The botocore docs/coverage.md was generated with: the model the ledger is kept against.
REFERENCE = re.search(r"model in botocore (\S+?)\.\n", (Path(__file__).resolve().parent.parent / "docs" /
                                                         "coverage.md").read_text(encoding="utf-8")).group(1)
#: Under an older model a claim or waiver may match nothing: its sentence is newer (the floor,
#: botocore 1.35, lacks many). Every sentence of the installed model must still be claimed.
reference_model = pytest.mark.skipif(botocore.__version__ != REFERENCE,
                                     reason=f"stale claims are judged against botocore {REFERENCE}")


@reference_model
@pytest.mark.parametrize("noun", sorted(RESOURCES))
def test_every_claim_and_waiver_matches_a_sentence(noun):
    declared = RESOURCES[noun]
    found = rule_sentences(declared.bound)
    fragments = [claim for rule in declared.rules for claim in rule.claims] + list(declared.waivers)
    for fragment in fragments:
        path = "." in fragment and " " not in fragment
        assert any(fragment in sentence or (path and (where == fragment or where.startswith(fragment + ".")))
                   for where, sentence in found), f"{noun}: {fragment!r} matches no rule-like sentence of the model"


@reference_model
@pytest.mark.parametrize("noun", sorted(noun for noun, declared in RESOURCES.items() if declared.superseded))
def test_a_superseded_sentence_is_gone_from_the_reference_model(noun):
    found = rule_sentences(RESOURCES[noun].bound)
    for fragment in RESOURCES[noun].superseded:
        assert not any(fragment in sentence for _where, sentence in found), \
            f"{noun}: {fragment!r} is still in the reference model: claim or waive it instead"


@reference_model
def test_every_shared_waiver_is_used():
    found = [sentence for declared in RESOURCES.values() for _where, sentence in rule_sentences(declared.bound)]
    for fragment in SHARED_WAIVERS:
        assert any(fragment in sentence for sentence in found), f"shared waiver {fragment!r} matches nothing"
