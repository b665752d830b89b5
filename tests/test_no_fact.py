"""No fact from a denial, a question, a hypothetical or a negation (issue #7).

Each case is a pair of sentences written for this test: the plain sentence, which states a fact
(checked first, so the test would fail if the extractor simply found nothing), and the same
words turned into a denial, a question, a condition, a possibility or a negation, which must
give no relation, no event with those actors in those roles and no claim of responsibility.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import actor

from kg.api import extract_text
from kg.model import Extraction

DATE = "2024-06-13"  # a Thursday


def extract(sentence: str) -> Extraction:
    return extract_text(f"Title: Test report\nDate: {DATE}\n\n{sentence}\n")


def relation(predicate: str, s: str, o: str) -> Callable[[Extraction], bool]:
    def has(ex: Extraction) -> bool:
        return any(
            c.predicate == predicate and {c.subject, c.object} == {actor(s), actor(o)}
            for c in ex.relations
        )

    return has


def event_by(perpetrator: str) -> Callable[[Extraction], bool]:
    def has(ex: Extraction) -> bool:
        return any(
            p.entity == actor(perpetrator) and p.role == "perpetrator"
            for e in ex.events
            for p in e.participants
        )

    return has


def claim_by(who: str) -> Callable[[Extraction], bool]:
    def has(ex: Extraction) -> bool:
        return any(
            s.predicate == "claimedResponsibilityFor" and s.subject == actor(who)
            for s in ex.statements
        )

    return has


AFFILIATE = relation("affiliatedWith", "katiba-macina", "al-qaeda")
SEVERED = relation("severedRelationsWith", "mali", "ukraine")
SUPPORT = relation("supports", "ukraine", "csp")
ATTACK = event_by("jnim")
CLAIM = claim_by("jnim")

CASES = [
    # (what the plain sentence states, plain sentence, the same words that must state nothing)
    (AFFILIATE, "Katiba Macina is an affiliate of al-Qaeda.",
     "Katiba Macina is not an affiliate of al-Qaeda."),
    (AFFILIATE, "Katiba Macina is an affiliate of al-Qaeda.",
     "Is Katiba Macina an affiliate of al-Qaeda?"),
    (AFFILIATE, "Katiba Macina is an affiliate of al-Qaeda.",
     "Katiba Macina denied that it is an affiliate of al-Qaeda."),
    (AFFILIATE, "Katiba Macina is an affiliate of al-Qaeda.",
     "If Katiba Macina is an affiliate of al-Qaeda, the talks will fail."),
    (AFFILIATE, "Katiba Macina is an affiliate of al-Qaeda.",
     "Katiba Macina may become an affiliate of al-Qaeda, analysts warned."),
    (SEVERED, "Mali severed diplomatic relations with Ukraine on Sunday.",
     "Mali has not severed diplomatic relations with Ukraine."),
    (SEVERED, "Mali severed diplomatic relations with Ukraine on Sunday.",
     "Mali threatened to sever diplomatic relations with Ukraine if Kyiv did not apologise."),
    (SEVERED, "Mali severed diplomatic relations with Ukraine on Sunday.",
     "Will Mali sever diplomatic relations with Ukraine?"),
    (SUPPORT, "Ukraine provided weapons to the CSP.",
     "Ukraine never provided weapons to the CSP."),
    (SUPPORT, "Ukraine provided weapons to the CSP.",
     "Ukraine denied that it had provided weapons to the CSP."),
    (SUPPORT, "Ukraine provided weapons to the CSP.",
     "It is not clear whether Ukraine provided weapons to the CSP."),
    (ATTACK, "JNIM fighters attacked an army post in Boulkessi on Tuesday.",
     "JNIM fighters did not attack an army post in Boulkessi on Tuesday."),
    (ATTACK, "JNIM fighters attacked an army post in Boulkessi on Tuesday.",
     "Did JNIM fighters attack an army post in Boulkessi on Tuesday?"),
    (ATTACK, "JNIM fighters attacked an army post in Boulkessi on Tuesday.",
     "If JNIM fighters attack an army post in Boulkessi, the army will respond."),
    (ATTACK, "JNIM fighters attacked an army post in Boulkessi on Tuesday.",
     "JNIM denied that its fighters attacked an army post in Boulkessi on Tuesday."),
    (ATTACK, "JNIM fighters attacked an army post in Boulkessi on Tuesday.",
     "JNIM fighters could attack an army post in Boulkessi, officials feared."),
    (CLAIM, "JNIM claimed responsibility for the attack on an army post in Boulkessi on Tuesday.",
     "JNIM has not claimed responsibility for the attack on an army post in Boulkessi."),
    (CLAIM, "JNIM claimed responsibility for the attack on an army post in Boulkessi on Tuesday.",
     "It was not clear whether JNIM claimed responsibility for the attack in Boulkessi."),
]  # fmt: skip


@pytest.mark.parametrize(("fact", "plain", "unsaid"), CASES, ids=[c[2][:48] for c in CASES])
def test_no_fact_from_a_denial_question_hypothetical_or_negation(fact, plain, unsaid):
    assert fact(extract(plain)), f"the plain sentence should state the fact: {plain!r}"
    ex = extract(unsaid)
    assert not fact(ex), f"a fact was read from {unsaid!r}"


def test_a_denial_is_kept_as_a_statement_of_the_one_who_denied():
    ex = extract("Ukraine denied that it had provided weapons to the CSP.")
    assert not SUPPORT(ex)
    assert [s.subject for s in ex.statements if s.predicate == "denied"] == [actor("ukraine")]


def test_every_claim_carries_its_evidence_span_and_rule():
    ex = extract(" ".join(c[1] for c in CASES[::3]))
    claims = [*ex.relations, *ex.statements, *(f for e in ex.events for f in e.fatalities)]
    claims += [p for e in ex.events for p in e.participants]  # type: ignore[misc]
    assert claims
    for c in claims:
        assert c.rule, c
        assert c.evidence is not None and c.evidence.text, c
        assert c.evidence.start is not None and c.evidence.end is not None, c
