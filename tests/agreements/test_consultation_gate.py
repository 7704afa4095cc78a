"""The hook through which the lifecycle asks the consultations app about an agreement's consultation."""

from datetime import date

from s75.agreements import consultation_gate
from s75.consultations.selectors import agreement_consultation_unfinished


def test_the_consultations_app_registers_its_rule():
    assert consultation_gate._registered == [agreement_consultation_unfinished]


def test_without_a_rule_every_agreement_keeps_its_recorded_dates(monkeypatch):
    monkeypatch.setattr(consultation_gate, "_registered", [])
    assert consultation_gate.consultation_unfinished(agreement=object(), on=date(2024, 1, 1)) is None


def test_the_rule_is_asked_with_the_agreement_and_the_date(monkeypatch):
    asked = []
    monkeypatch.setattr(consultation_gate, "_registered", [])
    consultation_gate.consultation_rule_register(lambda **context: asked.append(context) or ["not closed"])
    assert consultation_gate.consultation_unfinished(agreement="A", on=date(2024, 1, 1)) == ["not closed"]
    assert asked == [{"agreement": "A", "on": date(2024, 1, 1)}]
