"""Reads for the agreement document: the clause templates, and the agreement's data as the clauses and the
schedules' financial tables need it.

Clause bodies see only the plain values of :func:`clause_context` (text, dates, numbers, lists of them), never
model instances, so a template can read the agreement but cannot reach anything else through it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from s75.agreements.models import Agreement, Schedule
from s75.agreements.selectors import agreement_risk_share_terms, visible_organisation_ids
from s75.budgets.models import Contribution
from s75.budgets.selectors import FinancialSchedule, agreement_years, financial_schedule
from s75.core.fiscal import FinancialYear
from s75.core.templatetags.money import gbp_or_pence, table_has_pence
from s75.governance.selectors import boards_for_agreement
from s75.organisations.models import Organisation
from s75.riskshare.services import risk_share_summary

from .clauses import Block, ClauseTooLong, clause_render
from .models import ClauseTemplate, TemplateSet, TemplateSetVersion
from .permissions import EDIT_CLAUSE_TEMPLATES

STANDARD_SET = "standard"


def template_set_get(*, slug: str = STANDARD_SET, organisation: Organisation | None = None) -> TemplateSet:
    """The organisation's own copy of the set, or the shipped set while it has none (or for no organisation);
    ``TemplateSet.DoesNotExist`` when neither is installed."""
    found = {template_set.organisation_id: template_set for template_set in TemplateSet.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation), slug=slug)}
    if organisation is not None and organisation.pk in found:
        return found[organisation.pk]
    if None in found:
        return found[None]
    raise TemplateSet.DoesNotExist(f"the clause template set {slug!r} is not installed")


def template_sets_for(*, user) -> list[TemplateSet]:
    """The sets ``user`` works with: each shipped set, or their organisation's copy of it."""
    organisation = getattr(user, "organisation", None)
    return [template_set_get(slug=shipped.slug, organisation=organisation)
            for shipped in TemplateSet.objects.filter(organisation__isnull=True).order_by("name")]


def may_edit_templates(*, user, organisation: Organisation | None) -> bool:
    """Whether ``user`` may change ``organisation``'s clause templates: they hold the permission and the
    organisation is one whose agreements they see (``visible_organisation_ids``, the agreements' scoping rule).
    The shipped sets (no organisation) are changed by a new release of s75, never here."""
    if organisation is None or not user.has_perm(EDIT_CLAUSE_TEMPLATES):
        return False
    organisations = visible_organisation_ids(user=user)
    return organisations is None or organisation.pk in organisations


def template_version_get(*, slug: str = STANDARD_SET, organisation: Organisation | None = None,
                         number: int | None = None) -> TemplateSetVersion:
    """Version ``number`` (or the latest) of the set ``template_set_get`` finds for the organisation;
    ``TemplateSetVersion.DoesNotExist`` when there is none."""
    try:
        template_set = template_set_get(slug=slug, organisation=organisation)
    except TemplateSet.DoesNotExist as exc:
        raise TemplateSetVersion.DoesNotExist(str(exc)) from exc
    versions = TemplateSetVersion.objects.select_related("template_set", "created_by").filter(
        template_set=template_set
    )
    if number is not None:
        return versions.get(number=number)
    latest = versions.order_by("-number").first()
    if latest is None:
        raise TemplateSetVersion.DoesNotExist(f"the clause template set {slug!r} has no versions")
    return latest


def agreement_template_version(*, agreement: Agreement, number: int | None = None) -> TemplateSetVersion:
    """The clause templates an agreement's draft uses: its host organisation's (``template_version_get``)."""
    host = agreement.parties.filter(is_host=True).select_related("organisation").first()
    return template_version_get(organisation=host.organisation if host else None, number=number)


def version_clauses(*, version: TemplateSetVersion) -> QuerySet[ClauseTemplate]:
    return version.clauses.order_by("position")


@dataclass(frozen=True)
class PartyText:
    name: str
    organisation: str
    kind: str
    code: str
    is_host: bool
    is_nhs: bool
    requires_prior_agreement: bool


@dataclass(frozen=True)
class ScheduleText:
    number: int
    title: str
    funding_type: str
    lead_commissioner: str


@dataclass(frozen=True)
class AmountText:
    party: str
    amount: str


@dataclass(frozen=True)
class YearText:
    label: str
    total: str
    parties: list[AmountText]


@dataclass(frozen=True)
class BoardText:
    name: str
    kind: str
    organisation: str


@dataclass(frozen=True)
class ApprovalText:
    party: str
    decision_maker: str
    decided_on: date
    reference: str


def _party_text(party) -> PartyText:
    organisation = party.organisation
    return PartyText(party.name_in_agreement, organisation.name, organisation.get_kind_display(), organisation.code,
                     party.is_host, organisation.is_nhs, party.requires_prior_agreement)


def _year_text(schedule: FinancialSchedule) -> YearText:
    show_pence = table_has_pence(schedule.rows)
    return YearText(
        schedule.year.label, gbp_or_pence(schedule.total, show_pence),
        [AmountText(party.name_in_agreement, gbp_or_pence(amount, show_pence))
         for party, amount in zip(schedule.parties, schedule.party_totals, strict=True)],
    )


def agreement_financial_schedules(*, agreement: Agreement) -> list[FinancialSchedule]:
    """The agreement's financial schedule for each year that has contributions, in year order."""
    schedules = [financial_schedule(agreement=agreement, year=year) for year in agreement_years(agreement=agreement)]
    return [schedule for schedule in schedules if schedule.rows and any(row.total for row in schedule.rows)]


def clause_context(*, agreement: Agreement, clause_numbers: dict[str, int],
                   financial_schedules: list[FinancialSchedule], today: date) -> dict:
    """What a clause template may refer to (listed for editors on the template pages, ``PLACEHOLDERS``)."""
    parties = [_party_text(party)
               for party in agreement.parties.select_related("organisation").order_by("position", "id")]
    return {
        "agreement": {
            "title": agreement.title,
            "reference": agreement.reference,
            "summary": agreement.summary,
            "start": agreement.start_date,
            "end": agreement.end_date,
            "extension_months": agreement.extension_months_available,
            "renewal_notice_months": agreement.renewal_notice_months,
            "s75": agreement.basis_s75,
            "s76": agreement.basis_s76,
            "s256": agreement.basis_s256,
            "pooled_fund": agreement.pooled_fund,
            "lead_commissioning": agreement.lead_commissioning,
            "integrated_provision": agreement.integrated_provision,
            "better_care_fund": agreement.is_better_care_fund,
            "predecessor": agreement.predecessor.title if agreement.predecessor_id else "",
            "consultation_closed_on": agreement.consultation_closed_on,
            "consultation_exemption_reason": agreement.consultation_exemption_reason,
            "terms": {
                "contribution_variation": agreement.contribution_variation_terms,
                "review": agreement.review_terms,
                "variation": agreement.variation_terms,
                "termination": agreement.termination_terms,
                "fund_management": agreement.fund_management_terms,
                "prior_agreement": agreement.prior_agreement_clause,
            },
        },
        "pooled_fund_manager": {
            "name": agreement.pooled_fund_manager_name,
            "title": agreement.pooled_fund_manager_title,
            "email": agreement.pooled_fund_manager_email,
        },
        "parties": parties,
        "host": next((party for party in parties if party.is_host), None),
        "prior_agreement_parties": [party for party in parties if party.requires_prior_agreement],
        "schedules": [
            ScheduleText(schedule.number, schedule.title, schedule.get_funding_type_display().lower(),
                         schedule.lead_commissioner.name_in_agreement if schedule.lead_commissioner_id else "")
            for schedule in agreement.schedules.select_related("lead_commissioner").order_by("number")
        ],
        "years": [_year_text(schedule) for schedule in financial_schedules],
        "risk_share": [risk_share_summary(terms) for terms in agreement_risk_share_terms(agreement=agreement)],
        "boards": [BoardText(board.name, board.get_kind_display(), board.organisation.name)
                   for board in boards_for_agreement(agreement=agreement).order_by("name")],
        "approvals": [
            ApprovalText(approval.party.name_in_agreement, approval.decision_maker, approval.decided_on,
                         approval.reference)
            for approval in agreement.approvals.select_related("party").order_by("decided_on", "id")
        ],
        "clause": clause_numbers,
        "today": today,
    }


PLACEHOLDERS = (
    ("agreement.title, agreement.reference, agreement.summary", "The agreement's title, reference and summary."),
    ("agreement.start, agreement.end", 'The term\'s first and last days (write {{ agreement.start|date:"j F Y" }}).'),
    ("agreement.extension_months, agreement.renewal_notice_months", "Months of extension; months of renewal notice."),
    ("agreement.s75, agreement.s76, agreement.s256", "True for each section of the Act the agreement uses."),
    ("agreement.pooled_fund, agreement.lead_commissioning, agreement.integrated_provision",
     "True for each flexibility the agreement uses; agreement.better_care_fund likewise."),
    ("agreement.predecessor", "The title of the agreement this one renews, if any."),
    ("agreement.consultation_closed_on, agreement.consultation_exemption_reason",
     "When the joint consultation closed, or why none was needed."),
    ("agreement.terms.contribution_variation, .review, .variation, .termination, .fund_management, "
     ".prior_agreement", "The agreement's own terms, as recorded on the agreement."),
    ("pooled_fund_manager.name, .title, .email", "The pooled fund manager."),
    ("parties (each: name, organisation, kind, code, is_host, is_nhs, requires_prior_agreement)",
     "The partners in the agreement's order; host is the host partner, or nothing."),
    ("prior_agreement_parties", "The partners whose prior agreement an overspend of their contribution needs."),
    ("schedules (each: number, title, funding_type, lead_commissioner)", "The services, in order."),
    ("years (each: label, total, parties (each: party, amount))", "Contributions per year and partner, in £."),
    ("risk_share", "Each set of risk-share terms as one sentence."),
    ("boards (each: name, kind, organisation)", "The boards that oversee the agreement or have decided on it."),
    ("approvals (each: party, decision_maker, decided_on, reference)", "Each partner's decision to enter."),
    ("clause.KEY", "The number of the clause with that key, e.g. {{ clause.termination }}."),
    ("today", "The day the document is drafted."),
)


@dataclass(frozen=True)
class RenderedClause:
    number: int
    key: str
    heading: str
    blocks: list[Block]


@dataclass(frozen=True)
class ContributionLine:
    """One partner's money from one funding stream into a schedule, per year of the table (pence)."""

    party: str
    stream: str
    amounts: list[int | None]

    @property
    def total(self) -> int:
        return sum(amount or 0 for amount in self.amounts)


@dataclass(frozen=True)
class ScheduleContributions:
    years: list[FinancialYear]
    lines: list[ContributionLine]

    @property
    def year_totals(self) -> list[int]:
        return [sum(line.amounts[i] or 0 for line in self.lines) for i in range(len(self.years))]

    @property
    def total(self) -> int:
        return sum(self.year_totals)

    @property
    def show_pence(self) -> bool:
        return table_has_pence(self.lines)


def schedule_contributions(*, schedule: Schedule) -> ScheduleContributions:
    """The schedule's contributions by partner (agreement order) and funding stream, one column per year."""
    contributions = list(
        Contribution.objects.filter(schedule=schedule).select_related("party", "funding_stream")
        .order_by("party__position", "party_id", "funding_stream__name", "financial_year")
    )
    years = sorted({FinancialYear(contribution.financial_year) for contribution in contributions})
    column = {year.start_year: i for i, year in enumerate(years)}
    lines: dict[tuple[int, int], ContributionLine] = {}
    for contribution in contributions:
        key = (contribution.party_id, contribution.funding_stream_id)
        line = lines.setdefault(key, ContributionLine(
            contribution.party.name_in_agreement, contribution.funding_stream.name, [None] * len(years)
        ))
        line.amounts[column[contribution.financial_year]] = contribution.amount_pence
    return ScheduleContributions(years, list(lines.values()))


@dataclass(frozen=True)
class ScheduleDraft:
    schedule: Schedule
    contributions: ScheduleContributions


@dataclass(frozen=True)
class AgreementDraft:
    """Everything the Word document shows, in its order."""

    agreement: Agreement
    version: TemplateSetVersion
    parties: list[PartyText]
    clauses: list[RenderedClause]
    schedules: list[ScheduleDraft]
    financial_schedules: list[FinancialSchedule]
    drafted_on: date


def _clause_rendered(number: int, template: ClauseTemplate, context: dict) -> RenderedClause:
    try:
        return RenderedClause(number, template.key, template.heading, clause_render(template.body, context))
    except ClauseTooLong as error:
        raise ClauseTooLong(f"Clause {number}, {template.heading}, cannot be drawn up: {error}. Change the clause "
                            f"in the clause templates, then draft again.") from error


def agreement_draft(*, agreement: Agreement, version: TemplateSetVersion, today: date) -> AgreementDraft:
    """The draft; ``ClauseTooLong`` (saying which clause) when a clause's loops run past their bounds."""
    templates = list(version_clauses(version=version))
    numbers = {template.key: number for number, template in enumerate(templates, start=1)}
    financial_schedules = agreement_financial_schedules(agreement=agreement)
    context = clause_context(agreement=agreement, clause_numbers=numbers, financial_schedules=financial_schedules,
                             today=today)
    schedules = agreement.schedules.select_related("lead_commissioner").order_by("number")
    return AgreementDraft(
        agreement=agreement,
        version=version,
        parties=context["parties"],
        clauses=[_clause_rendered(numbers[template.key], template, context) for template in templates],
        schedules=[ScheduleDraft(schedule, schedule_contributions(schedule=schedule)) for schedule in schedules],
        financial_schedules=financial_schedules,
        drafted_on=today,
    )
