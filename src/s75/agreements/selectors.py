"""Reads of the agreement register. Every page and command finds agreements through :func:`agreements_visible_to`,
whose rule is :func:`visible_organisation_ids`."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Max, Min, Prefetch, Q, QuerySet

from s75.core.fiscal import FinancialYear, financial_years_between
from s75.organisations.models import Organisation, Succession
from s75.organisations.selectors import organisation_lineage_ids, user_lineage_ids, user_memo

from .lifecycle import TransitionContext, transition_unmet, transitions_from
from .models import Agreement, AgreementStatus, EndReason, Party, Variation
from .permissions import MANAGE_AGREEMENT


def visible_organisation_ids(*, user) -> set[int] | None:
    """The one scoping rule: whose agreements ``user`` sees. A user sees the agreements their organisation, or one it
    succeeded, is party to: the ids of those organisations. ``None`` means every agreement: for superusers (the
    system's administrators) and for ``None``, the system operator (a command run from the server's shell). A user
    with no organisation, or not signed in, sees none (an empty set)."""
    if user is None:
        return None
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    if user.organisation_id is None:
        return set()
    return user_lineage_ids(user=user)


def agreements_visible_to(*, user) -> QuerySet[Agreement]:
    """The agreements ``user`` sees (``visible_organisation_ids``). Every page and command finds agreements here."""
    organisations = visible_organisation_ids(user=user)
    agreements = Agreement.objects.all()
    if organisations is None:
        return agreements
    if not organisations:
        return agreements.none()
    return agreements.filter(pk__in=Party.objects.filter(organisation_id__in=organisations).values("agreement_id"))


def reference_unavailable(*, reference: str, held_by: Organisation | None) -> str | None:
    """Why a new agreement held by ``held_by`` (whose register its reference is unique in: see
    ``Agreement.held_by``) cannot take ``reference``, or ``None`` when it can. Only that register's own
    agreements are asked, so the answer says nothing about another organisation's."""
    if Agreement.objects.filter(reference=reference, held_by=held_by).exists():
        register = f"{held_by}'s register" if held_by is not None else "the register"
        return (f"the reference {reference!r} is already used in {register}: choose another, for example with the "
                "year in it")
    return None


def agreements_by_reference(*, user, reference: str, held_by: Organisation | None = None) -> list[Agreement]:
    """The agreements ``user`` sees under ``reference`` (at most two: enough to tell one from several). References
    are unique in each organisation's register, so a partner may see two with the same one; ``held_by``, where the
    caller knows whose register is meant, chooses between them."""
    found = agreements_visible_to(user=user).filter(reference=reference)
    matches = list(found[:2])
    if len(matches) > 1 and held_by is not None:
        matches = list(found.filter(held_by=held_by)[:2])
    return matches


def _visibility_kept(user) -> dict[int, bool] | None:
    """Which agreements (by id) ``user`` is already known to see or not in this request; None for the system
    operator, who is not a user object."""
    return None if user is None else user_memo(user=user, name="visible_agreements")


def agreement_noted_visible(*, user, agreement: Agreement) -> Agreement:
    """``agreement``, just found through ``agreements_visible_to(user=user)``, noted as visible to ``user`` so that
    ``agreement_visible`` need not ask the database again in this request."""
    kept = _visibility_kept(user)
    if kept is not None:
        kept[agreement.pk] = True
    return agreement


def agreement_visible(*, user, agreement: Agreement) -> bool:
    """Whether ``user`` sees the agreement (``agreements_visible_to``), asked once per request: a page asks again
    for each right it shows, after finding the agreement (or its fund) through the same rule."""
    kept = _visibility_kept(user)
    if kept is not None and agreement.pk in kept:
        return kept[agreement.pk]
    visible = agreements_visible_to(user=user).filter(pk=agreement.pk).exists()
    if kept is not None:
        kept[agreement.pk] = visible
    return visible


def agreement_visible_given_parties(*, user, agreement: Agreement, party_organisation_ids: frozenset[int]) -> bool:
    """Whether ``user`` sees the agreement, whose partners are the organisations ``party_organisation_ids`` as read
    by the caller (a page that keeps them under the version of the agreement's data): the rule of
    ``agreements_visible_to`` without asking the database for the partners, noted for ``agreement_visible``."""
    organisations = visible_organisation_ids(user=user)
    visible = organisations is None or not organisations.isdisjoint(party_organisation_ids)
    kept = _visibility_kept(user)
    if kept is not None:
        kept[agreement.pk] = visible
    return visible


def agreement_list(
    *, user, status: str | None = None, search: str = "", partner: Organisation | None = None,
    year: FinancialYear | None = None,
) -> QuerySet[Agreement]:
    """The register as ``user`` sees it, by title, narrowed by any of: a ``status``; words ``search``ed for in the
    title, the reference or a partner's name, or a partner's ODS or ONS code typed whole; a ``partner``; a financial
    ``year`` the term overlaps."""
    agreements = agreements_visible_to(user=user).prefetch_related(
        Prefetch("parties", queryset=Party.objects.select_related("organisation")), "renewals"
    )
    if status:
        agreements = agreements.filter(status=status)
    if partner is not None:
        agreements = agreements.filter(pk__in=Party.objects.filter(organisation=partner).values("agreement_id"))
    if year is not None:
        agreements = agreements.filter(start_date__lte=year.ends_on, end_date__gte=year.starts_on)
    search = search.strip()
    if search:
        agreements = agreements.filter(
            Q(title__icontains=search) | Q(reference__icontains=search)
            | Q(pk__in=_parties_found(search).values("agreement_id"))
        )
    return agreements.order_by("title")


def _parties_found(search: str) -> QuerySet[Party]:
    """The parties whose name in the agreement, or whose organisation's name or code, is ``search``; or whose
    organisation has since been succeeded by one so found (a CCG is found by the name of the ICB that took it on)."""
    organisations = Organisation.objects.filter(
        Q(name__icontains=search) | Q(ods_code__iexact=search) | Q(ons_code__iexact=search)
    )
    lineage: set[int] = set()
    for successor in organisations.filter(pk__in=Succession.objects.values("successor_id")):
        lineage |= organisation_lineage_ids(organisation=successor)
    return Party.objects.filter(
        Q(name_in_agreement__icontains=search) | Q(organisation__in=organisations) | Q(organisation_id__in=lineage)
    )


def agreement_partners(*, user) -> QuerySet[Organisation]:
    """The organisations party to an agreement ``user`` sees, by name: the choices of the register's filter."""
    parties = Party.objects.filter(agreement__in=agreements_visible_to(user=user))
    return Organisation.objects.filter(pk__in=parties.values("organisation_id")).order_by("name")


def agreement_years(*, user) -> list[FinancialYear]:
    """Every financial year from the start of the earliest agreement ``user`` sees to the end of the latest."""
    span = agreements_visible_to(user=user).aggregate(first=Min("start_date"), last=Max("end_date"))
    if span["first"] is None:
        return []
    return financial_years_between(span["first"], span["last"])


def user_acts_for_party(*, user, party: Party, permission: str) -> bool:
    """Whether ``user`` may act for ``party`` in what ``permission`` allows: someone holding it at the party's
    organisation or at one that took on its functions (a CCG's ICB); administrators may too."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm(permission):
        return False
    if user.is_superuser:
        return True
    return party.organisation_id in user_lineage_ids(user=user)


def agreement_get(*, user, pk: int | None = None, reference: str | None = None) -> Agreement:
    """One agreement the user may see; ``Agreement.DoesNotExist`` otherwise (pages answer 404 either way)."""
    lookup = {"pk": pk} if pk is not None else {"reference": reference}
    return agreement_noted_visible(user=user, agreement=agreements_visible_to(user=user).get(**lookup))


def user_may_change(*, user, agreement: Agreement, permission: str = MANAGE_AGREEMENT) -> bool:
    """Whether ``user`` holds the domain permission and may see the agreement: the one place this is decided."""
    return user.has_perm(permission) and agreement_visible(user=user, agreement=agreement)


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def renewal_alert_date(*, agreement: Agreement) -> date:
    return _add_months(agreement.end_date, -agreement.renewal_notice_months)


def renewal_due(*, agreement: Agreement, today: date) -> bool:
    """In force, within its renewal notice period, and with no renewal drafted yet."""
    return (
        agreement.status == AgreementStatus.IN_FORCE
        and renewal_alert_date(agreement=agreement) <= today
        and not agreement.renewals.all()
    )


@dataclass(frozen=True)
class KeyDate:
    label: str
    on: date


def agreement_next_key_date(*, agreement: Agreement, today: date) -> KeyDate | None:
    """The next date that matters for the agreement's state, as the register's list shows it."""
    if agreement.status == AgreementStatus.CONSULTATION and agreement.consultation_closed_on:
        return KeyDate("Consultation closes", agreement.consultation_closed_on)
    if agreement.status in {AgreementStatus.DRAFT, AgreementStatus.APPROVED}:
        return KeyDate("Starts", agreement.start_date)
    if agreement.status == AgreementStatus.IN_FORCE:
        alert = renewal_alert_date(agreement=agreement)
        if today < alert:
            return KeyDate("Renewal alert", alert)
        return KeyDate("Ends", agreement.end_date)
    return None


def agreements_due_for_renewal(*, user, today: date) -> list[Agreement]:
    return [
        agreement
        for agreement in agreements_visible_to(user=user).filter(status=AgreementStatus.IN_FORCE)
        if renewal_due(agreement=agreement, today=today)
    ]


def agreement_as_at(*, agreement: Agreement, on: date) -> dict | None:
    """What the agreement said on ``on``: the document after the last variation effective by then.

    ``None`` when the agreement had not come into force by that date (or never has).
    """
    variation = (
        Variation.objects.filter(agreement=agreement, effective_from__lte=on).order_by("-effective_from", "-number")
        .first()
    )
    return variation.document_after if variation else None


@dataclass(frozen=True)
class TransitionOption:
    to_status: str
    label: str
    end_reason: str
    unmet: list[str]

    @property
    def allowed(self) -> bool:
        return not self.unmet


def agreement_transition_options(*, agreement: Agreement, today: date) -> list[TransitionOption]:
    """Each move open from the agreement's state (each way of ending, for one in force) and what it still needs."""
    options = []
    for to_status in transitions_from(agreement.status):
        reasons = list(EndReason) if to_status == AgreementStatus.ENDED else [""]
        for end_reason in reasons:
            context = TransitionContext(on=today, end_reason=end_reason)
            label = AgreementStatus(to_status).label
            if end_reason:
                label = f"{label}: {EndReason(end_reason).label.lower()}"
            options.append(TransitionOption(
                to_status, label, end_reason,
                transition_unmet(agreement, to_status, context, require_reason=False),
            ))
    return options


@dataclass(frozen=True)
class RenewalChain:
    """The agreement an agreement renews and the renewals drafted from it, as far as the user may see them."""

    predecessor: Agreement | None
    renewals: list[Agreement]


def agreement_renewal_chain(*, user, agreement: Agreement) -> RenewalChain:
    visible = agreements_visible_to(user=user)
    predecessor = visible.filter(pk=agreement.predecessor_id).first() if agreement.predecessor_id else None
    return RenewalChain(predecessor, list(visible.filter(predecessor=agreement).order_by("start_date", "reference")))


def agreement_risk_share_terms(*, agreement: Agreement) -> QuerySet:
    """The agreement's risk-share terms: those for the whole fund first, then each schedule's overrides; terms for
    every year before those for one year."""
    return agreement.risk_share_terms.select_related("schedule", "agreement").order_by(
        F("schedule__number").asc(nulls_first=True), F("financial_year").asc(nulls_first=True)
    )
