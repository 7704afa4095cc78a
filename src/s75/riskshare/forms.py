"""The form of the risk-share terms page: the rules for the fund (or one schedule), for every year or one, and
each partner's fixed percentage and cap. The service checks the terms; its problems come back to the form."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from s75.agreements.forms import ChangeForm
from s75.agreements.models import Agreement, Party
from s75.core.fiscal import FinancialYear
from s75.core.money import MoneyError, format_plain, parse_pence

from .models import OverspendRule, RiskShareTerms, UnderspendRule
from .services import RESERVE, party_term_field

# A partner's term as the service names it → the prefix of this form's field for it.
FORM_FIELD = {"fixed_percent": "fixed", "cap": "cap", "cap_percent": "cap_percent"}


def _optional(label: str, help_text: str, width: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"class": f"govuk-input--width-{width}", "inputmode": "decimal",
                                                         "spellcheck": "false"}))


def _percent(text: str, label: str) -> Decimal | None:
    text = text.strip().removesuffix("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(f"{label} must be a number, for example 60 or 12.5") from exc
    if not value.is_finite():
        raise ValidationError(f"{label} must be a number, for example 60 or 12.5")
    return value


class RiskShareTermsForm(ChangeForm):
    overspend_rule = forms.ChoiceField(label="Who bears an overspend", choices=OverspendRule.choices,
                                       widget=forms.RadioSelect)
    underspend_rule = forms.ChoiceField(label="What happens to an underspend", choices=UnderspendRule.choices,
                                        widget=forms.RadioSelect)
    offset_first = forms.BooleanField(
        label="Meet overspends from other schedules' underspends, then the contingency reserve, before sharing",
        required=False,
    )
    contingency_reserve = _optional("Contingency reserve", "For example, £50,000. Leave blank for none.", "10")
    maladministration_borne_by_host = forms.BooleanField(
        label="Spend outside the agreement is borne by the host alone", required=False, initial=True,
    )
    recharges_pooled = forms.BooleanField(
        label="Care a lead commissioner buys on a partner's behalf and recharges to it is shared as pooled spend",
        help_text="Leave it unticked for that care to be the partner's own at the year end, as an aligned budget is.",
        required=False,
    )

    def __init__(self, *args, agreement: Agreement, terms: RiskShareTerms | None, for_schedule: bool = False,
                 fund_terms: RiskShareTerms | None = None, **kwargs):
        """``for_schedule``: the terms of one schedule, which carry no caps, offsetting or reserve (the service
        refuses them); a new schedule's terms start from ``fund_terms``."""
        super().__init__(*args, agreement=agreement, **kwargs)
        self.parties: list[Party] = list(agreement.parties.order_by("position", "id"))
        self.for_schedule = for_schedule
        held = {term.party_id: term for term in terms.party_terms.all()} if terms else {}
        # The service's names for what it refuses → this form's fields (each partner's term has fields of its own).
        self.problem_fields = {RESERVE: "contingency_reserve", **{
            party_term_field(party, field): f"{FORM_FIELD[field]}_{party.pk}"
            for party in self.parties for field in ("fixed_percent", "cap", "cap_percent")
        }}
        for party in self.parties:
            term = held.get(party.pk)
            self.fields[f"fixed_{party.pk}"] = _optional(
                "Fixed percentage", "Only under a fixed rule; the partners' percentages add up to 100.", "4")
            if not for_schedule:
                self.fields[f"cap_{party.pk}"] = _optional("Cap on its overspend share, as an amount",
                                                          "For example, £250,000. Leave blank for no cap.", "10")
                self.fields[f"cap_percent_{party.pk}"] = _optional(
                    "Or cap as a percentage of its pooled contribution", "For example, 10.", "4")
            if term is not None:
                self.initial.setdefault(f"fixed_{party.pk}", term.fixed_percent)
                self.initial.setdefault(f"cap_{party.pk}",
                                        None if term.cap_pence is None else f"£{format_plain(term.cap_pence)}")
                self.initial.setdefault(f"cap_percent_{party.pk}", term.cap_percent)
        starting = terms or fund_terms
        if starting is not None:
            for name in ("overspend_rule", "underspend_rule", "offset_first", "maladministration_borne_by_host",
                         "recharges_pooled"):
                self.initial.setdefault(name, getattr(starting, name))
            if starting.contingency_reserve_pence:
                self.initial.setdefault("contingency_reserve", f"£{format_plain(starting.contingency_reserve_pence)}")
        else:
            self.initial.setdefault("overspend_rule", OverspendRule.CONTRIBUTION_SHARE)
            self.initial.setdefault("underspend_rule", UnderspendRule.CONTRIBUTION_SHARE)
        rules = ["overspend_rule", "underspend_rule", "offset_first", "contingency_reserve",
                 "maladministration_borne_by_host", "recharges_pooled"]
        if for_schedule:
            del self.fields["offset_first"], self.fields["contingency_reserve"]
            rules = ["overspend_rule", "underspend_rule", "maladministration_borne_by_host", "recharges_pooled"]
        self.sections = [
            ("The rules", rules),
            *[(str(party), [name for name in (f"fixed_{party.pk}", f"cap_{party.pk}", f"cap_percent_{party.pk}")
                            if name in self.fields]) for party in self.parties],
            *[section for section in self.sections if section[0] == "Variation"],
        ]

    def scope_terms(self) -> dict:
        """What the form says of offsetting and the reserve: nothing for one schedule's terms."""
        if self.for_schedule:
            return {"offset_first": False, "contingency_reserve_pence": 0}
        return {"offset_first": self.cleaned_data["offset_first"],
                "contingency_reserve_pence": self.cleaned_data["contingency_reserve"]}

    def clean_contingency_reserve(self) -> int:
        text = self.cleaned_data["contingency_reserve"].strip()
        try:
            return parse_pence(text) if text else 0
        except MoneyError as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        for party in self.parties:
            for name, what in ((f"fixed_{party.pk}", "A fixed percentage"),
                               (f"cap_percent_{party.pk}", "A cap as a percentage")):
                try:
                    data[name] = _percent(data.get(name, ""), what)
                except ValidationError as error:
                    self.add_error(name, error)
            if self.for_schedule:
                continue
            cap = data.get(f"cap_{party.pk}", "").strip()
            try:
                data[f"cap_{party.pk}"] = parse_pence(cap) if cap else None
            except MoneyError as exc:
                self.add_error(f"cap_{party.pk}", str(exc))
        return data

    def party_terms(self) -> list[dict]:
        data = self.cleaned_data
        terms = []
        for party in self.parties:
            values = {"fixed_percent": data[f"fixed_{party.pk}"], "cap_pence": data.get(f"cap_{party.pk}"),
                      "cap_percent": data.get(f"cap_percent_{party.pk}")}
            if any(value is not None for value in values.values()):
                terms.append({"party": party, **values})
        return terms


def scope_from(query, agreement: Agreement) -> tuple[int | None, object]:
    """The terms' scope from the page's address: ``?year=2024-25`` (else every year) and ``?schedule=3`` (else
    the whole fund); ``ValueError`` saying what is wrong."""
    year_text = query.get("year", "").strip()
    year = FinancialYear.parse(year_text).start_year if year_text else None
    number = query.get("schedule", "").strip()
    if not number:
        return year, None
    schedule = agreement.schedules.filter(number=int(number) if number.isdigit() else -1).first()
    if schedule is None:
        raise ValueError(f"the agreement has no schedule {number}")
    return year, schedule
