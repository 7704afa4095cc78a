"""The statutory content checklist (regulations 7 and 9) and the excluded-functions check, from the data."""

from dataclasses import dataclass, field

from .models import Agreement, ExcludedFunction, FundingType


@dataclass
class ChecklistItem:
    key: str
    title: str
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def _blank(text: str) -> bool:
    return not (text or "").strip()


def agreement_checklist(*, agreement: Agreement, schedules_need_contributions: bool = True) -> list[ChecklistItem]:
    """Items (a) to (g) of DESIGN.md §3, each with the list of what is missing (empty when complete).

    ``schedules_need_contributions=False`` is for variations: a schedule added to an agreement in force may have
    its contributions set by a later variation.
    """
    schedules = list(agreement.schedules.all())
    items = {
        key: ChecklistItem(key, title)
        for key, title in [
            ("a", "Aims and outcomes"),
            ("b", "Each partner's contributions and how they may be varied"),
            ("c", "The NHS functions and health-related functions concerned"),
            ("d", "The people and the kinds of service covered"),
            ("e", "Staff, goods, services or accommodation provided"),
            ("f", "Duration, and how the agreement is reviewed, varied or terminated"),
            ("g", "How the fund is managed and monitored"),
        ]
    }
    if not schedules:
        items["a"].missing.append("the agreement has no schedules")
    contributed = set(
        agreement.schedules.filter(contributions__isnull=False).values_list("number", flat=True).distinct()
    )
    for schedule in schedules:
        name = f"schedule {schedule.number} ({schedule.title})"
        if _blank(schedule.aims_and_outcomes):
            items["a"].missing.append(f"{name} has no aims and outcomes")
        if (schedules_need_contributions and schedule.funding_type != FundingType.NON_POOLED
                and schedule.number not in contributed):
            items["b"].missing.append(f"{name} has no contributions")
        if _blank(schedule.nhs_functions) and _blank(schedule.health_related_functions):
            items["c"].missing.append(f"{name} names no NHS or health-related functions")
        if _blank(schedule.eligible_people):
            items["d"].missing.append(f"{name} does not say who is eligible")
        if _blank(schedule.services):
            items["d"].missing.append(f"{name} does not say what kinds of service it covers")
        if _blank(schedule.resources):
            items["e"].missing.append(f"{name} does not say what staff, goods or accommodation are provided")
    if _blank(agreement.contribution_variation_terms):
        items["b"].missing.append("the agreement does not say how contributions may be varied")
    for attribute, words in [
        ("review_terms", "how it is reviewed"),
        ("variation_terms", "how it is varied"),
        ("termination_terms", "how it is terminated"),
    ]:
        if _blank(getattr(agreement, attribute)):
            items["f"].missing.append(f"the agreement does not say {words}")
    if agreement.pooled_fund:
        if agreement.host is None:
            items["g"].missing.append("no party is named as host of the pooled fund")
        if _blank(agreement.pooled_fund_manager_name):
            items["g"].missing.append("no pooled fund manager is named")
        if _blank(agreement.fund_management_terms):
            items["g"].missing.append("the agreement does not say how the fund is managed, reported on and audited")
    return list(items.values())


@dataclass(frozen=True)
class ExcludedFunctionFinding:
    schedule_number: int
    schedule_title: str
    function: str
    excluded: str

    def __str__(self) -> str:
        return (f"schedule {self.schedule_number} ({self.schedule_title}) names {self.function!r}, "
                f"which falls under an excluded function: {self.excluded}")


def agreement_excluded_functions(*, agreement: Agreement) -> list[ExcludedFunctionFinding]:
    """Every NHS function named in a schedule that matches a function the regulations exclude."""
    excluded = list(ExcludedFunction.objects.all())
    findings = []
    for schedule in agreement.schedules.all():
        for line in schedule.nhs_functions.splitlines():
            function = line.strip()
            lowered = function.lower()
            for rule in excluded:
                if any(keyword in lowered for keyword in rule.keyword_list):
                    findings.append(ExcludedFunctionFinding(schedule.number, schedule.title, function, rule.name))
                    break
    return findings
