"""Risk share and year-end settlement as pure functions: DESIGN.md §6, "The algorithm, step by step".

No database access (the rule names are the models' choices), no rounding but largest remainder, no floats:
money is whole pence (``int``), percentages are ``Decimal``. Partners are identified by any hashable key and
listed in the agreement's order, which decides ties.

1. Variance per schedule, ``v = outturn - budget``. Aligned and non-pooled schedules stop here: each partner
   bears the variance of its own budget line.
2. Offset first (when on): the pooled schedules' net variance; an overspend is met from the contingency reserve,
   and what remains is spread back over the overspent schedules in proportion to their overspends; a net
   underspend is spread over the underspent schedules in proportion to their underspends.
3. Each schedule's overspend is split by the overspend rule, its underspend by the underspend rule.
4. Caps: a partner's overspend shares for the year are held to its cap; the excess is re-split among the partners
   still under their caps in proportion to their total pooled contributions, until no cap is exceeded; what no
   one can take is the unfunded overspend.
5. Every split is largest remainder in pence (:func:`s75.core.money.split_largest_remainder`).
6. Per partner: final share of spend, carried forward, and net payment (positive: the host pays the partner).

Spend outside the agreement (maladministration) is part of a schedule's outturn but, under the usual clause,
is taken out of the variance before any step and borne by the host alone. A schedule's own terms may say
otherwise for that schedule; caps, offsetting and the reserve belong to the fund's terms alone (see
docs/risk-share.md).

Care a lead commissioner bought on a partner's behalf and recharged to it is part of the outturn too. The partner
is billed it by its monthly recharges, which count with what it paid in; and it is that partner's own spend, taken
out of the variance before any step as an aligned line's is, unless the terms (the fund's, or the schedule's own)
say recharged spend is pooled: then it is shared like any other.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from s75.agreements.models import FundingType
from s75.core.money import split_largest_remainder

from .models import OverspendRule, UnderspendRule

Partner = Hashable


class AllocationError(ValueError):
    """Terms that cannot be applied to the figures, said so that the pooled fund manager can correct them."""


@dataclass(frozen=True)
class Cap:
    """A partner's most overspend share in a year: an amount in pence, or a percentage of its pooled contribution."""

    pence: int | None = None
    percent: Decimal | None = None

    def limit(self, pooled_contribution: int) -> int:
        if (self.pence is None) == (self.percent is None):
            raise AllocationError("a cap is an amount or a percentage, not both or neither")
        if self.pence is not None:
            return self.pence
        exact = pooled_contribution * self.percent / 100
        return int(exact.to_integral_value(rounding="ROUND_FLOOR"))


@dataclass(frozen=True)
class Rules:
    """How one schedule's (or, by default, every schedule's) variance is shared.

    ``maladministration_borne_by_host`` is ``None`` where the fund's terms decide it.
    """

    overspend: OverspendRule = OverspendRule.CONTRIBUTION_SHARE
    underspend: UnderspendRule = UnderspendRule.CONTRIBUTION_SHARE
    fixed_percent: Mapping[Partner, Decimal] = field(default_factory=dict)
    maladministration_borne_by_host: bool | None = None
    recharges_pooled: bool | None = None


@dataclass(frozen=True)
class Terms:
    """The fund's terms for the year; ``schedule_rules`` overrides them schedule by schedule."""

    rules: Rules = Rules()
    schedule_rules: Mapping[Hashable, Rules] = field(default_factory=dict)
    offset_first: bool = False
    contingency_reserve: int = 0
    caps: Mapping[Partner, Cap] = field(default_factory=dict)
    maladministration_borne_by_host: bool = True
    recharges_pooled: bool = False

    def for_schedule(self, key: Hashable) -> Rules:
        return self.schedule_rules.get(key, self.rules)

    def outside_borne_by_host(self, key: Hashable) -> bool:
        own = self.for_schedule(key).maladministration_borne_by_host
        return self.maladministration_borne_by_host if own is None else own

    def pools_recharges(self, key: Hashable) -> bool:
        """Whether the care recharged to partners on this schedule is shared as pooled spend."""
        own = self.for_schedule(key).recharges_pooled
        return self.recharges_pooled if own is None else own


@dataclass(frozen=True)
class ScheduleFigures:
    """A schedule's year: contributions by partner and the outturn, in pence.

    For an aligned or non-pooled schedule with more than one funder, ``outturn_by_partner`` gives each partner's
    own spend; with one funder ``outturn`` is enough. ``outside_agreement`` is the part of the outturn spent
    outside the agreement's terms; ``recharged`` the part a lead commissioner bought on each partner's behalf and
    recharged to it (for an aligned schedule given ``outturn_by_partner``, part of that partner's own outturn).
    """

    key: Hashable
    contributions: Mapping[Partner, int]
    outturn: int
    funding_type: FundingType = FundingType.POOLED
    lead_commissioner: Partner | None = None
    outturn_by_partner: Mapping[Partner, int] | None = None
    outside_agreement: int = 0
    recharged: Mapping[Partner, int] = field(default_factory=dict)

    @property
    def budget(self) -> int:
        return sum(self.contributions.values())

    @property
    def variance(self) -> int:
        return self.outturn - self.budget


@dataclass
class ScheduleResult:
    key: Hashable
    budget: int
    outturn: int
    variance: int
    overspend_to_share: int = 0
    underspend_to_share: int = 0  # a positive amount of underspend
    overspend_shares: dict[Partner, int] = field(default_factory=dict)
    underspend_shares: dict[Partner, int] = field(default_factory=dict)  # positive amounts returned or carried
    own_variance: dict[Partner, int] = field(default_factory=dict)  # aligned and non-pooled lines
    carried_forward: bool = False
    outside_agreement: int = 0  # borne by the host, outside the shares
    recharged: dict[Partner, int] = field(default_factory=dict)  # billed to each partner by its recharges
    recharges_pooled: bool = False  # the recharged spend is shared; else each partner's own


@dataclass
class PartnerResult:
    partner: Partner
    contributions: int  # every contribution, pooled or not
    received: int
    overspend_share: int  # its share of the pooled schedules' overspends, after caps
    cap_adjustment: int  # overspend moved to (positive) or from (negative) this partner by the caps
    underspend_share: int  # all its share of the pooled schedules' underspends, the part carried forward included
    carried_forward: int  # the part of its underspend share kept in the pool
    own_variance: int  # aligned and non-pooled lines
    outside_agreement: int  # spend outside the agreement borne by this partner (the host)
    recharges_billed: int  # billed to it by its recharges, counted in ``received``
    recharged_own: int  # the part of that which is its own spend, not shared
    final_share_of_spend: int
    net_payment: int  # positive: the host pays the partner; negative: the partner pays the host


@dataclass
class Allocation:
    schedules: list[ScheduleResult]
    partners: list[PartnerResult]
    reserve_used: int
    unfunded_overspend: int

    def partner(self, key: Partner) -> PartnerResult:
        return next(result for result in self.partners if result.partner == key)

    def schedule(self, key: Hashable) -> ScheduleResult:
        return next(result for result in self.schedules if result.key == key)


def _split(amount: int, weights: Mapping[Partner, int | Decimal], order: Sequence[Partner], what: str) -> dict:
    partners = [partner for partner in order if partner in weights]
    if not amount:
        return {partner: 0 for partner in partners}
    if not partners or sum(weights[partner] for partner in partners) == 0:
        raise AllocationError(f"{what}: there is nobody with a share to split {amount} pence by")
    return dict(zip(partners, split_largest_remainder(amount, [weights[p] for p in partners]), strict=True))


def _offset(pooled: list[ScheduleFigures], reserve: int) -> tuple[dict[Hashable, int], int]:
    """Step 2: each pooled schedule's variance to share after offsetting, and the reserve used."""
    net = sum(schedule.variance for schedule in pooled)
    to_share = {schedule.key: 0 for schedule in pooled}
    if net > 0:
        reserve_used = min(reserve, net)
        overspent = [schedule for schedule in pooled if schedule.variance > 0]
        spread = split_largest_remainder(net - reserve_used, [schedule.variance for schedule in overspent])
        to_share.update({schedule.key: amount for schedule, amount in zip(overspent, spread, strict=True)})
        return to_share, reserve_used
    if net < 0:
        underspent = [schedule for schedule in pooled if schedule.variance < 0]
        spread = split_largest_remainder(net, [-schedule.variance for schedule in underspent])
        to_share.update({schedule.key: amount for schedule, amount in zip(underspent, spread, strict=True)})
    return to_share, 0


def _weights(rule: str, schedule: ScheduleFigures, rules: Rules, pool_totals: Mapping[Partner, int], host: Partner):
    if rule in {"contribution_share", "carry_forward"}:
        return dict(schedule.contributions)
    if rule == "pool_share":
        return dict(pool_totals)
    if rule == "fixed":
        if sum(rules.fixed_percent.values()) != 100:
            raise AllocationError(f"schedule {schedule.key}: the fixed percentages add up to "
                                  f"{sum(rules.fixed_percent.values())}, not 100")
        return dict(rules.fixed_percent)
    if rule in {"host", "host_retains"}:
        return {host: 1}
    if rule == "lead_commissioner":
        if schedule.lead_commissioner is None:
            raise AllocationError(f"schedule {schedule.key} has no lead commissioner to bear its overspend")
        return {schedule.lead_commissioner: 1}
    raise AllocationError(f"unknown rule {rule!r}")


def _apply_caps(
    totals: dict[Partner, int], caps: Mapping[Partner, Cap], pool_totals: Mapping[Partner, int],
    order: Sequence[Partner],
) -> tuple[dict[Partner, int], int]:
    """Step 4: hold each partner to its cap, re-splitting the excess; returns the capped totals and what is unfunded."""
    limits = {partner: caps[partner].limit(pool_totals.get(partner, 0)) for partner in order if partner in caps}
    totals = dict(totals)
    excess = 0
    for partner, limit in limits.items():
        if totals.get(partner, 0) > limit:
            excess += totals[partner] - limit
            totals[partner] = limit
    while excess > 0:
        open_partners = {
            partner: pool_totals.get(partner, 0)
            for partner in order
            if partner not in limits or totals.get(partner, 0) < limits[partner]
        }
        if not open_partners or sum(open_partners.values()) == 0:
            break
        for partner, amount in _split(excess, open_partners, order, "the capped excess").items():
            totals[partner] = totals.get(partner, 0) + amount
        excess = 0
        for partner, limit in limits.items():
            if totals.get(partner, 0) > limit:
                excess += totals[partner] - limit
                totals[partner] = limit
    return totals, excess


def _recharged(
    schedules: Sequence[ScheduleFigures], by_key: dict[Hashable, ScheduleResult], terms: Terms,
    order: Sequence[Partner],
) -> tuple[list[ScheduleFigures], dict[Partner, int], dict[Partner, int]]:
    """Before step 1: the schedules with each partner's recharged spend taken out of the outturn where it is the
    partner's own (always on an aligned or non-pooled schedule, on a pooled one unless the terms pool it); what is
    each partner's own; and what each was billed by its recharges."""
    own = {p: 0 for p in order}
    billed = {p: 0 for p in order}
    kept = []
    for schedule in schedules:
        recharged = {p: amount for p, amount in schedule.recharged.items() if amount}
        if not recharged:
            kept.append(schedule)
            continue
        unknown = [p for p in recharged if p not in billed]
        if unknown:
            raise AllocationError(f"schedule {schedule.key}: spend is recharged to {unknown[0]}, not a partner")
        if any(amount < 0 for amount in recharged.values()) or sum(recharged.values()) > max(schedule.outturn, 0):
            raise AllocationError(f"schedule {schedule.key}: the recharged spend must be between nothing and the "
                                  "outturn")
        result = by_key[schedule.key]
        result.recharged = recharged
        for p, amount in recharged.items():
            billed[p] += amount
        if schedule.funding_type == FundingType.POOLED and terms.pools_recharges(schedule.key):
            result.recharges_pooled = True
            kept.append(schedule)
            continue
        for p, amount in recharged.items():
            own[p] += amount
        by_partner = None if schedule.outturn_by_partner is None else {
            p: amount - recharged.get(p, 0) for p, amount in schedule.outturn_by_partner.items()}
        kept.append(replace(schedule, outturn=schedule.outturn - sum(recharged.values()),
                            outturn_by_partner=by_partner, recharged={}))
    return kept, own, billed


def allocate(
    *, partners: Sequence[Partner], host: Partner, schedules: Sequence[ScheduleFigures], terms: Terms,
    received: Mapping[Partner, int] | None = None,
) -> Allocation:
    """Apply the year's risk-share terms to its figures; every amount in pence.

    ``partners`` is the agreement's order (it decides ties); ``received`` is what each partner actually paid
    in (default: its contributions).
    """
    order = list(partners)
    results = [ScheduleResult(s.key, s.budget, s.outturn, s.variance) for s in schedules]
    by_key = {result.key: result for result in results}
    outside = {p: 0 for p in order}
    shared = []
    for schedule in schedules:
        if not terms.outside_borne_by_host(schedule.key):
            shared.append(schedule)
            continue
        if schedule.outside_agreement and schedule.outturn_by_partner is not None:
            raise AllocationError(f"schedule {schedule.key}: give spend outside the agreement as part of one "
                                  "partner's own outturn, not of the schedule's")
        if not 0 <= schedule.outside_agreement <= max(schedule.outturn, 0):
            raise AllocationError(f"schedule {schedule.key}: spend outside the agreement must be between nothing "
                                  "and the outturn")
        by_key[schedule.key].outside_agreement = schedule.outside_agreement
        outside[host] = outside.get(host, 0) + schedule.outside_agreement
        shared.append(replace(schedule, outturn=schedule.outturn - schedule.outside_agreement, outside_agreement=0))
    schedules, own_recharged, billed = _recharged(shared, by_key, terms, order)
    pooled = [s for s in schedules if s.funding_type == FundingType.POOLED]
    pool_totals = {p: sum(s.contributions.get(p, 0) for s in pooled) for p in order}

    for schedule in schedules:  # step 1: aligned and non-pooled lines stay with their funders
        if schedule.funding_type == FundingType.POOLED:
            continue
        result = by_key[schedule.key]
        if schedule.outturn_by_partner is not None:
            result.own_variance = {
                p: schedule.outturn_by_partner.get(p, 0) - schedule.contributions.get(p, 0) for p in order
                if p in schedule.contributions or p in schedule.outturn_by_partner
            }
        else:
            funders = {p: c for p, c in schedule.contributions.items() if c}
            if len(funders) > 1:
                raise AllocationError(f"schedule {schedule.key} is {schedule.funding_type} with several funders: "
                                      "give each partner's own outturn")
            result.own_variance = _split(schedule.variance, funders or {host: 1}, order, f"schedule {schedule.key}")

    if terms.offset_first:  # step 2
        to_share, reserve_used = _offset(pooled, terms.contingency_reserve)
    else:
        to_share, reserve_used = {s.key: s.variance for s in pooled}, 0

    for schedule in pooled:  # steps 3 and 5
        result, amount = by_key[schedule.key], to_share[schedule.key]
        rules = terms.for_schedule(schedule.key)
        if amount > 0:
            result.overspend_to_share = amount
            weights = _weights(rules.overspend, schedule, rules, pool_totals, host)
            result.overspend_shares = _split(amount, weights, order, f"schedule {schedule.key}'s overspend")
        elif amount < 0:
            result.underspend_to_share = -amount
            weights = _weights(rules.underspend, schedule, rules, pool_totals, host)
            result.underspend_shares = _split(-amount, weights, order, f"schedule {schedule.key}'s underspend")
            result.carried_forward = rules.underspend == UnderspendRule.CARRY_FORWARD

    uncapped = {p: sum(r.overspend_shares.get(p, 0) for r in results) for p in order}
    capped, unfunded = _apply_caps(uncapped, terms.caps, pool_totals, order)  # step 4

    received = dict(received) if received is not None else {
        p: sum(s.contributions.get(p, 0) for s in schedules) for p in order
    }
    received = {p: received.get(p, 0) + billed[p] for p in order}
    partner_results = []
    for p in order:  # step 6
        contributions = sum(s.contributions.get(p, 0) for s in schedules)
        underspend = sum(r.underspend_shares.get(p, 0) for r in results)
        carried = sum(r.underspend_shares.get(p, 0) for r in results if r.carried_forward)
        own = sum(r.own_variance.get(p, 0) for r in results)
        final = contributions + capped[p] - underspend + own + outside.get(p, 0) + own_recharged[p]
        partner_results.append(PartnerResult(
            partner=p, contributions=contributions, received=received.get(p, 0), overspend_share=capped[p],
            cap_adjustment=capped[p] - uncapped[p], underspend_share=underspend, carried_forward=carried,
            own_variance=own, outside_agreement=outside.get(p, 0), recharges_billed=billed[p],
            recharged_own=own_recharged[p], final_share_of_spend=final,
            net_payment=received.get(p, 0) - final - carried,
        ))
    return Allocation(results, partner_results, reserve_used, unfunded)
