"""Checking an agreement file: its shape against ``schema/agreement-file.schema.json``, then what the schema cannot
(codes in the register, references between sections, dates, amounts). Every problem is reported with the path of
the field it concerns (``schedules[2].contributions[0].amount``), so that all of them can be put right in one go.
"""

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils import timezone
from jsonschema import Draft202012Validator

from s75.core.fiscal import FinancialYear
from s75.core.money import MAX_PENCE, MoneyError, parse_pence
from s75.organisations.models import Organisation
from s75.organisations.selectors import organisation_get_by_code

from .file_parts import file_parts
from .file_reading import FileProblem
from .lifecycle import TRANSITIONS
from .models import Agreement, AgreementStatus
from .selectors import agreements_by_reference, reference_unavailable

SCHEMA_FILE = "agreement-file.schema.json"

# Against the schema ------------------------------------------------------------------------------------------------


@cache
def _schema_validator() -> Draft202012Validator:
    text = resources.files("s75.agreements").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def _path(location) -> str:
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


_KIND_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a set of fields", "null": "null",
}


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    return "a list" if isinstance(value, list) else "a set of fields"


def _schema_message(error) -> str:
    value, expected = error.instance, error.validator_value
    if error.validator == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        if isinstance(value, float) and "string" in kinds:
            return (f"{value!r} is a decimal number: write amounts and percentages in quotes, like \"44500.00\", "
                    f"so that they are read exactly")
        hint = ": put it in quotes" if "string" in kinds and isinstance(value, int | float | bool) else ""
        return f"should be {' or '.join(_KIND_WORDS[kind] for kind in kinds)}, not {_describe(value)}{hint}"
    messages = {
        "enum": lambda: f"{_describe(value)} is not allowed here: use one of "
                        f"{', '.join('null' if option is None else str(option) for option in expected)}",
        "const": lambda: f"should be {expected}, not {_describe(value)}",
        "minLength": lambda: "must not be blank",
        "maxLength": lambda: f"is too long: at most {expected} characters, not {len(value)}",
        "minimum": lambda: f"must be at least {expected}, not {value}",
        "maximum": lambda: f"must be at most {expected}, not {value}",
        "minItems": lambda: "must list at least one",
        "uniqueItems": lambda: "lists the same value more than once",
    }
    return messages[error.validator]() if error.validator in messages else error.message


def schema_problems(document) -> list[FileProblem]:
    problems = []
    for error in _schema_validator().iter_errors(document):
        location = list(error.absolute_path)
        if error.validator == "required":
            problems += [FileProblem(_path([*location, name]), "is required")
                         for name in error.validator_value if name not in error.instance]
        elif error.validator == "additionalProperties":
            known = list(error.schema.get("properties", {}))
            problems += [
                FileProblem(_path([*location, name]),
                            f"is not a field here: check the spelling (the fields are {', '.join(known)})")
                for name in error.instance if name not in known
            ]
        else:
            problems.append(FileProblem(_path(location), _schema_message(error)))
    return list(dict.fromkeys(problems))


# What the schema cannot check --------------------------------------------------------------------------------------


def mapping(value) -> dict:
    """``value`` when it is a set of fields, else none (the schema reports what it is)."""
    return value if isinstance(value, dict) else {}


def entries(value) -> list[tuple[int, dict]]:
    """The entries of a list that are sets of fields, each with its index (the schema reports the others)."""
    return [(index, entry) for index, entry in enumerate(value) if isinstance(entry, dict)] if isinstance(
        value, list) else []


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def parse_date(text: str) -> date | None:
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def parse_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def parse_percent(value) -> Decimal | None:
    try:
        percent = Decimal(str(value).strip().removesuffix("%").strip())
    except InvalidOperation:
        return None
    return percent if percent.is_finite() else None


def pence(value) -> int:
    if isinstance(value, int) and abs(value) > MAX_PENCE:  # before str(), which refuses ints of over 4,300 digits
        raise MoneyError("the amount is more than £1,000,000,000,000, the most s75 holds in one amount: check it")
    return parse_pence(str(value))


_ENDED = AgreementStatus.ENDED


class FileChecks:
    """The checks that need the register or more than one field: codes, references between sections, sums.

    A check that finds a problem where the schema already reported one (or above it) keeps quiet, so that
    each mistake is reported once. The parts other apps register (``file_parts``) check theirs through
    :meth:`add` and the readers below, and may read what the agreement's own checks found (its parties, its
    schedules' lead commissioners, whether it has a host).
    """

    def __init__(self, *, document: dict, reported: list[FileProblem], actor):
        self.document, self.actor = document, actor
        self.reported = {problem.path for problem in reported}
        self.problems: list[FileProblem] = []
        self.party_index: dict[str, int] = {}
        self.organisations: dict[str, Organisation] = {}
        self.schedule_has_lead: dict[int, bool] = {}
        self.has_host = False
        self.host: Organisation | None = None
        self.predecessor: Agreement | None = None

    def run(self) -> list[FileProblem]:
        self.check_agreement()
        self.check_parties()
        self.check_references()
        self.check_schedules()
        self.check_approvals()
        for part in file_parts(in_schedule=False):
            part.check(checks=self, path=part.key, entries=self.document.get(part.key))
        self.check_history()
        return self.problems

    def add(self, path: str, message: str) -> None:
        for reported in self.reported:
            if not reported or path == reported or path.startswith((f"{reported}.", f"{reported}[")):
                return
        self.problems.append(FileProblem(path, message))

    def date(self, path: str, value) -> date | None:
        if not isinstance(value, str):
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.add(path, f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-04-01")
        return parsed

    def pence(self, path: str, value) -> int | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        try:
            return pence(value)
        except MoneyError as error:
            self.add(path, str(error))
            return None

    def percent(self, path: str, value) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        percent = parse_percent(value)
        if percent is None:
            self.add(path, f"{value!r} is not a percentage: write it like \"60\" or \"33.3333\"")
        return percent

    def year(self, path: str, value) -> int | None:
        if not isinstance(value, str):
            return None
        try:
            year = FinancialYear.parse(value)
        except ValueError as error:
            self.add(path, str(error))
            return None
        if not 1990 <= year.start_year <= 2100:
            self.add(path, f"{value!r} is outside the years the register holds (1990-91 to 2100-01)")
            return None
        return year.start_year

    def party(self, path: str, code) -> None:
        if isinstance(code, str) and code not in self.party_index:
            listed = f" (the parties are {', '.join(self.party_index)})" if self.party_index else ""
            self.add(path, f"{code!r} is not one of the parties: list it under parties{listed}")

    def check_agreement(self) -> None:
        agreement = mapping(self.document.get("agreement"))
        reference = agreement.get("reference")
        if isinstance(reference, str) and reference:
            try:
                validate_slug(reference)
            except ValidationError:
                self.add("agreement.reference",
                         f"{reference!r} may hold only letters, digits, hyphens and underscores")
        term = mapping(agreement.get("term"))
        start = self.date("agreement.term.start", term.get("start"))
        end = self.date("agreement.term.end", term.get("end"))
        if start and end and end <= start:
            self.add("agreement.term.end", f"the end ({_day(end)}) must be after the start ({_day(start)})")
        bases, flexibilities = agreement.get("legal_basis"), agreement.get("flexibilities")
        if isinstance(bases, list) and "s75" in bases and not flexibilities:
            self.add("agreement.flexibilities", "a section 75 agreement uses at least one flexibility: "
                     "pooled_fund, lead_commissioning or integrated_provision")
        status, end_reason = agreement.get("status", AgreementStatus.DRAFT), agreement.get("end_reason")
        if status == _ENDED and end_reason is None:
            self.add("agreement.end_reason", "an ended agreement says why it ended: expired, terminated or superseded")
        if isinstance(status, str) and status != _ENDED and isinstance(end_reason, str):
            self.add("agreement.end_reason", f"only an ended agreement has an end reason, and this one is {status}")
        email = mapping(agreement.get("pooled_fund_manager")).get("email")
        if isinstance(email, str) and email:
            try:
                validate_email(email)
            except ValidationError:
                self.add("agreement.pooled_fund_manager.email", f"{email!r} is not an email address")
        self.date("agreement.consultation.closed_on", mapping(agreement.get("consultation")).get("closed_on"))

    @property
    def held_by(self) -> Organisation | None:
        """The register the agreement's reference is unique in (``Agreement.held_by``): that of the organisation of
        whoever loads the file, so that a refusal speaks of no other organisation's register; for the system
        operator, who has none, the host's."""
        return getattr(self.actor, "organisation", None) or self.host

    def check_references(self) -> None:
        """The agreement's reference is free in its register, and the agreement it renews is one the loader sees:
        both need the parties read first."""
        agreement = mapping(self.document.get("agreement"))
        reference = agreement.get("reference")
        if isinstance(reference, str) and reference and "agreement.reference" not in {p.path for p in self.problems}:
            unavailable = reference_unavailable(reference=reference, held_by=self.held_by)
            if unavailable:
                self.add("agreement.reference", unavailable)
        predecessor = agreement.get("predecessor")
        if isinstance(predecessor, str):
            matches = agreements_by_reference(user=self.actor, reference=predecessor, held_by=self.held_by)
            if not matches:
                self.add("agreement.predecessor", f"no agreement with the reference {predecessor!r} is in the "
                         f"register: load the agreement this one renews first")
            elif len(matches) > 1:
                self.add("agreement.predecessor", f"more than one agreement you can see has the reference "
                         f"{predecessor!r}, and none is in your organisation's register: load the renewal as someone "
                         "of the organisation that holds the agreement it renews")
            else:
                self.predecessor = matches[0]

    def check_parties(self) -> None:
        host_at = None
        for index, party in entries(self.document.get("parties")):
            path, code = f"parties[{index}]", party.get("organisation")
            if isinstance(code, str) and code in self.party_index:
                self.add(f"{path}.organisation",
                         f"{code} is listed twice: it is already parties[{self.party_index[code]}]")
            elif isinstance(code, str):
                self.party_index[code] = index
                try:
                    organisation = organisation_get_by_code(code=code)
                except Organisation.DoesNotExist:
                    self.add(f"{path}.organisation", f"no organisation has the code {code!r}: give an NHS body's ODS "
                             f"code (e.g. QHG) or a council's ONS code (e.g. E06000032)")
                else:
                    twin = next((other for other, org in self.organisations.items() if org.pk == organisation.pk), None)
                    if twin is not None:
                        self.add(f"{path}.organisation", f"{code} and {twin} are both {organisation}: list it once")
                    self.organisations[code] = organisation
            if party.get("host") is True:
                if host_at is None:
                    host_at = index
                    self.host = self.organisations.get(code) if isinstance(code, str) else None
                else:
                    self.add(f"{path}.host", f"parties[{host_at}] is already the host: an agreement has one host")
        self.has_host = host_at is not None

    def check_schedules(self) -> None:
        numbers: dict[int, int] = {}
        titles: dict[str, int] = {}
        for index, schedule in entries(self.document.get("schedules")):
            path = f"schedules[{index}]"
            number, title, lead = schedule.get("number"), schedule.get("title"), schedule.get("lead_commissioner")
            if is_int(number) and number in numbers:
                self.add(f"{path}.number", f"schedule number {number} is already used by schedules[{numbers[number]}]")
            elif is_int(number):
                numbers[number] = index
                self.schedule_has_lead[number] = lead is not None
            if isinstance(title, str) and title in titles:
                self.add(f"{path}.title", f"the title {title!r} is already used by schedules[{titles[title]}]")
            elif isinstance(title, str):
                titles[title] = index
            self.party(f"{path}.lead_commissioner", lead)
            for part in file_parts(in_schedule=True):
                part.check(checks=self, path=f"{path}.{part.key}", entries=schedule.get(part.key))

    def check_approvals(self) -> None:
        seen: dict[str, int] = {}
        for index, approval in entries(self.document.get("approvals")):
            path, party = f"approvals[{index}]", approval.get("party")
            self.party(f"{path}.party", party)
            if isinstance(party, str) and party in seen:
                self.add(f"{path}.party", f"approvals[{seen[party]}] already records {party}'s decision: "
                         f"a party approves once")
            elif isinstance(party, str):
                seen[party] = index
            self.date(f"{path}.decided_on", approval.get("decided_on"))
            maker = approval.get("decision_maker")
            if isinstance(maker, str) and maker and not maker.strip():
                self.add(f"{path}.decision_maker", "must not be blank: say who made the decision (board, cabinet, "
                         "executive)")

    def check_history(self) -> None:
        agreement = mapping(self.document.get("agreement"))
        status = agreement.get("status", AgreementStatus.DRAFT)
        moves = entries(self.document.get("history"))
        reached, last_moment, last_end_reason = AgreementStatus.DRAFT, None, None
        for index, entry in moves:
            path, before, after = f"history[{index}]", entry.get("from"), entry.get("to")
            if isinstance(before, str) and before != reached:
                self.add(f"{path}.from", f"this move starts from {before}, but the agreement was {reached}: the "
                         f"history starts from draft and each move starts where the one before it ended")
            elif (isinstance(before, str) and isinstance(after, str) and before in AgreementStatus.values
                  and after in AgreementStatus.values and (before, after) not in TRANSITIONS):
                self.add(path, f"an agreement cannot move from {before} to {after}")
            if isinstance(after, str):
                reached = after
            end_reason = entry.get("end_reason")
            if after == _ENDED and end_reason is None:
                self.add(f"{path}.end_reason", "a move to ended says why: expired, terminated or superseded")
            elif isinstance(after, str) and after != _ENDED and isinstance(end_reason, str):
                self.add(f"{path}.end_reason", "only a move to ended has an end reason")
            last_end_reason = end_reason
            moment_text = entry.get("at")
            moment = parse_moment(moment_text) if isinstance(moment_text, str) else None
            if isinstance(moment_text, str) and moment is None:
                self.add(f"{path}.at", f"{moment_text!r} is not a date and time: write it like "
                         f"2014-03-31T09:00:00+00:00")
            elif moment and last_moment and moment < last_moment:
                self.add(f"{path}.at", "the history runs oldest first, and this move is dated before the one above it")
            last_moment = moment or last_moment
        if moves and isinstance(status, str):
            if reached != status:
                self.add("agreement.status", f"the history leaves the agreement {reached}, so its status is "
                         f"{reached}, not {status}")
            elif status == _ENDED and agreement.get("end_reason") != last_end_reason:
                self.add("agreement.end_reason", f"the history ends the agreement as {last_end_reason}, not "
                         f"{agreement.get('end_reason')}")
