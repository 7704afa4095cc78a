"""Agreement files: reading one (YAML or JSON) and loading it into the register.

The format is the document :func:`s75.agreements.document.agreement_document` writes, described for finance
officers in ``docs/agreement-file.md`` and checked by ``schema/agreement-file.schema.json``. Loading checks the
whole file before it writes anything and reports every problem with the path of the field it concerns
(``schedules[2].contributions[0].amount``), so that all of them can be put right in one go. Then it builds the
agreement through the services, in one transaction, and replays the file's history to reach its status.
"""

import json
import re
from collections import deque
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils import timezone
from jsonschema import Draft202012Validator

from s75.budgets.models import FundingStream
from s75.core.fiscal import FinancialYear
from s75.core.money import MoneyError, parse_pence
from s75.organisations.models import Organisation
from s75.organisations.selectors import organisation_get_by_code, organisation_lineage_ids
from s75.riskshare.services import party_term_problems, risk_share_rule_problems, risk_share_terms_set

from .lifecycle import TRANSITIONS
from .models import Agreement, AgreementStatus
from .selectors import agreements_visible_to
from .services import (
    AgreementError,
    agreement_create,
    agreement_transition,
    approval_record,
    contribution_set,
    party_add,
    schedule_create,
)

LOADED_REASON = "Loaded from an agreement file"
SCHEMA_FILE = "agreement-file.schema.json"


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file: where (``schedules[2].contributions[0].amount``, or a line and column for a
    file that cannot be read at all; blank for the file as a whole) and what, in words a finance officer can act on."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class AgreementFileError(Exception):
    """A file that cannot be loaded; ``errors`` lists every problem found: those with the file's shape (the
    schema's) first, then those with what it says, each group in the order of the file."""

    def __init__(self, errors: list[FileProblem]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


# Reading ---------------------------------------------------------------------------------------------------------


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, for the checks to read, and refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key_node, deep=deep) for key_node, _ in node.value]
        seen = set()
        for key, (key_node, _) in zip(keys, node.value, strict=True):
            if not isinstance(key, Hashable):
                continue  # the safe loader refuses it with its own message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _DuplicateKey(ValueError):
    pass


def _json_object(pairs: list[tuple[str, object]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} is given twice in one object")
        result[key] = value
    return result


def _parse_text(text: str, *, as_json: bool):
    if as_json:
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            raise AgreementFileError([FileProblem(f"line {error.lineno}, column {error.colno}", error.msg)]) from error
        except _DuplicateKey as error:
            raise AgreementFileError([FileProblem("", str(error))]) from error
    try:
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 (a SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        context = f" ({error.context})" if error.context and error.problem else ""
        raise AgreementFileError([FileProblem(where, f"{error.problem or error.context}{context}")]) from error
    except yaml.YAMLError as error:
        raise AgreementFileError([FileProblem("", f"the file is not YAML: {error}")]) from error


def agreement_file_read(path: str | Path | Traversable) -> dict:
    """The document in an agreement file: JSON when the name ends ``.json``, YAML otherwise; UTF-8, BOM or not.

    ``path`` may also be a package resource (``importlib.resources.files(...)``). A file that cannot be read
    raises :class:`AgreementFileError`, with the line and column of a syntax error.
    """
    path = Path(path) if isinstance(path, str) else path
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AgreementFileError([FileProblem("", f"cannot read {path}: {error.strerror}")]) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AgreementFileError(
            [FileProblem(f"line {line}", "the file is not UTF-8 text: save it as UTF-8 and load it again")]
        ) from error
    document = _parse_text(text, as_json=path.name.lower().endswith(".json"))
    if not isinstance(document, dict):
        raise AgreementFileError(
            [FileProblem("", "the file must hold one agreement: fields that start with format: s75-agreement/1")]
        )
    return document


# Checking against the schema ----------------------------------------------------------------------------------------


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


def _schema_problems(document) -> list[FileProblem]:
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


# Checking what the schema cannot -------------------------------------------------------------------------------------


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _entries(value) -> list[tuple[int, dict]]:
    return [(index, entry) for index, entry in enumerate(value) if isinstance(entry, dict)] if isinstance(
        value, list) else []


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(text: str) -> date | None:
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _parse_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _parse_percent(value) -> Decimal | None:
    try:
        percent = Decimal(str(value).strip().removesuffix("%").strip())
    except InvalidOperation:
        return None
    return percent if percent.is_finite() else None


def _pence(value) -> int:
    return parse_pence(str(value))


_ENDED = AgreementStatus.ENDED


class _Checks:
    """The checks that need the register or more than one field: codes, references between sections, sums.

    A check that finds a problem where the schema already reported one (or above it) keeps quiet, so that
    each mistake is reported once.
    """

    def __init__(self, *, document: dict, reported: list[FileProblem], actor):
        self.document, self.actor = document, actor
        self.reported = {problem.path for problem in reported}
        self.problems: list[FileProblem] = []
        self.party_index: dict[str, int] = {}
        self.organisations: dict[str, Organisation] = {}
        self.schedule_has_lead: dict[int, bool] = {}
        self.has_host = False
        self.predecessor: Agreement | None = None
        self.streams = set(FundingStream.objects.values_list("code", flat=True))

    def run(self) -> list[FileProblem]:
        self.check_agreement()
        self.check_parties()
        self.check_schedules()
        self.check_approvals()
        self.check_risk_share()
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
        parsed = _parse_date(value)
        if parsed is None:
            self.add(path, f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-04-01")
        return parsed

    def pence(self, path: str, value) -> int | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        try:
            return _pence(value)
        except MoneyError as error:
            self.add(path, str(error))
            return None

    def percent(self, path: str, value) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        percent = _parse_percent(value)
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
        agreement = _mapping(self.document.get("agreement"))
        reference = agreement.get("reference")
        if isinstance(reference, str) and reference:
            try:
                validate_slug(reference)
            except ValidationError:
                self.add("agreement.reference",
                         f"{reference!r} may hold only letters, digits, hyphens and underscores")
            else:
                if Agreement.objects.filter(reference=reference).exists():
                    self.add("agreement.reference", f"an agreement with the reference {reference!r} is already in "
                             f"the register: give this one another reference")
        term = _mapping(agreement.get("term"))
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
        email = _mapping(agreement.get("pooled_fund_manager")).get("email")
        if isinstance(email, str) and email:
            try:
                validate_email(email)
            except ValidationError:
                self.add("agreement.pooled_fund_manager.email", f"{email!r} is not an email address")
        self.date("agreement.consultation.closed_on", _mapping(agreement.get("consultation")).get("closed_on"))
        predecessor = agreement.get("predecessor")
        if isinstance(predecessor, str):
            self.predecessor = agreements_visible_to(user=self.actor).filter(reference=predecessor).first()
            if self.predecessor is None:
                self.add("agreement.predecessor", f"no agreement with the reference {predecessor!r} is in the "
                         f"register: load the agreement this one renews first")

    def check_parties(self) -> None:
        host_at = None
        for index, party in _entries(self.document.get("parties")):
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
                else:
                    self.add(f"{path}.host", f"parties[{host_at}] is already the host: an agreement has one host")
        self.has_host = host_at is not None

    def check_schedules(self) -> None:
        numbers: dict[int, int] = {}
        titles: dict[str, int] = {}
        for index, schedule in _entries(self.document.get("schedules")):
            path = f"schedules[{index}]"
            number, title, lead = schedule.get("number"), schedule.get("title"), schedule.get("lead_commissioner")
            if _is_int(number) and number in numbers:
                self.add(f"{path}.number", f"schedule number {number} is already used by schedules[{numbers[number]}]")
            elif _is_int(number):
                numbers[number] = index
                self.schedule_has_lead[number] = lead is not None
            if isinstance(title, str) and title in titles:
                self.add(f"{path}.title", f"the title {title!r} is already used by schedules[{titles[title]}]")
            elif isinstance(title, str):
                titles[title] = index
            self.party(f"{path}.lead_commissioner", lead)
            self.check_contributions(path, schedule.get("contributions"))

    def check_contributions(self, schedule_path: str, contributions) -> None:
        seen: dict[tuple, int] = {}
        for index, contribution in _entries(contributions):
            path = f"{schedule_path}.contributions[{index}]"
            party, stream = contribution.get("party"), contribution.get("stream")
            self.party(f"{path}.party", party)
            year = self.year(f"{path}.year", contribution.get("year"))
            if isinstance(stream, str) and stream and stream not in self.streams:
                self.add(f"{path}.stream", f"{stream!r} is not a funding stream: use one of "
                         f"{', '.join(sorted(self.streams))}")
            amount = self.pence(f"{path}.amount", contribution.get("amount"))
            if amount == 0:
                self.add(f"{path}.amount", "a contribution must be more than zero: leave out a party that "
                         "contributes nothing")
            elif amount is not None and amount < 0:
                self.add(f"{path}.amount", "a contribution cannot be negative")
            key = (party, year, stream)
            if isinstance(party, str) and isinstance(stream, str) and year is not None:
                if key in seen:
                    self.add(path, f"contributions[{seen[key]}] already gives {party}'s "
                             f"{FinancialYear(year).label} {stream} contribution to this schedule")
                else:
                    seen[key] = index

    def check_approvals(self) -> None:
        seen: dict[str, int] = {}
        for index, approval in _entries(self.document.get("approvals")):
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

    def check_risk_share(self) -> None:
        scopes: dict[tuple, int] = {}
        for index, terms in _entries(self.document.get("risk_share")):
            path = f"risk_share[{index}]"
            year_text, schedule = terms.get("year"), terms.get("schedule")
            year = None if year_text is None else self.year(f"{path}.year", year_text)
            if _is_int(schedule) and schedule not in self.schedule_has_lead:
                self.add(f"{path}.schedule", f"no schedule has the number {schedule}")
            if (year_text is None or year is not None) and (schedule is None or _is_int(schedule)):
                if (year, schedule) in scopes:
                    self.add(path, f"risk_share[{scopes[year, schedule]}] already sets the terms for the same year "
                             f"and schedule")
                else:
                    scopes[year, schedule] = index
            reserve = self.pence(f"{path}.contingency_reserve", terms.get("contingency_reserve"))
            if reserve is not None and reserve < 0:
                self.add(f"{path}.contingency_reserve", "the contingency reserve cannot be negative")
            percents, unreadable = self.check_party_terms(path, terms.get("parties"))
            overspend_rule, underspend_rule = terms.get("overspend_rule"), terms.get("underspend_rule")
            if not (isinstance(overspend_rule, str) and isinstance(underspend_rule, str)):
                continue
            for field, message in risk_share_rule_problems(
                overspend_rule=overspend_rule, underspend_rule=underspend_rule, fixed_percents=percents,
                has_host=self.has_host,
                schedule_has_lead_commissioner=self.schedule_has_lead.get(schedule) if _is_int(schedule) else None,
            ):
                if not (unreadable and field == "parties"):
                    self.add(f"{path}.{field}", message)

    def check_party_terms(self, terms_path: str, party_terms) -> tuple[list[Decimal | None], bool]:
        """The fixed percentages read, and whether any could not be read (so their sum means nothing)."""
        seen: dict[str, int] = {}
        percents, unreadable = [], False
        for index, term in _entries(party_terms):
            path, party = f"{terms_path}.parties[{index}]", term.get("party")
            self.party(f"{path}.party", party)
            if isinstance(party, str) and party in seen:
                self.add(f"{path}.party", f"parties[{seen[party]}] already gives {party}'s terms")
            elif isinstance(party, str):
                seen[party] = index
            fixed = self.percent(f"{path}.fixed_percent", term.get("fixed_percent"))
            unreadable = unreadable or (term.get("fixed_percent") is not None and fixed is None)
            cap = self.pence(f"{path}.cap", term.get("cap"))
            cap_percent = self.percent(f"{path}.cap_percent", term.get("cap_percent"))
            for field, message in party_term_problems(fixed_percent=fixed, cap_pence=cap, cap_percent=cap_percent):
                self.add(f"{path}.{field}", message)
            percents.append(fixed)
        return percents, unreadable

    def check_history(self) -> None:
        agreement = _mapping(self.document.get("agreement"))
        status = agreement.get("status", AgreementStatus.DRAFT)
        entries = _entries(self.document.get("history"))
        reached, last_moment, last_end_reason = AgreementStatus.DRAFT, None, None
        for index, entry in entries:
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
            moment = _parse_moment(moment_text) if isinstance(moment_text, str) else None
            if isinstance(moment_text, str) and moment is None:
                self.add(f"{path}.at", f"{moment_text!r} is not a date and time: write it like "
                         f"2014-03-31T09:00:00+00:00")
            elif moment and last_moment and moment < last_moment:
                self.add(f"{path}.at", "the history runs oldest first, and this move is dated before the one above it")
            last_moment = moment or last_moment
        if entries and isinstance(status, str):
            if reached != status:
                self.add("agreement.status", f"the history leaves the agreement {reached}, so its status is "
                         f"{reached}, not {status}")
            elif status == _ENDED and agreement.get("end_reason") != last_end_reason:
                self.add("agreement.end_reason", f"the history ends the agreement as {last_end_reason}, not "
                         f"{agreement.get('end_reason')}")


# Loading ------------------------------------------------------------------------------------------------------------


def _check_may_load(actor, document: dict) -> None:
    """A user loads an agreement only with the permission to manage agreements (and to move agreements through
    their lifecycle, when the file's agreement is past draft), and only as one of its parties."""
    if not actor.has_perm("agreements.manage_agreement"):
        raise PermissionDenied(f"{actor} may not load agreements: that needs the permission to manage agreements")
    agreement = document.get("agreement") if isinstance(document.get("agreement"), dict) else {}
    if agreement.get("status", "draft") != "draft" and not actor.has_perm("agreements.transition_agreement"):
        raise PermissionDenied(f"{actor} may not load an agreement that is {agreement.get('status')}: that needs "
                               f"the permission to move agreements through their lifecycle")
    if actor.is_superuser:
        return
    lineage = organisation_lineage_ids(organisation=actor.organisation) if actor.organisation_id else set()
    for _, party in _entries(document.get("parties")):
        code = party.get("organisation")
        try:
            if isinstance(code, str) and organisation_get_by_code(code=code).pk in lineage:
                return
        except Organisation.DoesNotExist:
            continue
    organisation = actor.organisation or "Your account, which has no organisation,"
    raise PermissionDenied(f"{organisation} is not a party to this agreement: you may load only agreements your "
                           f"organisation (or one it succeeded) is party to")


@contextmanager
def _at(path: str, prefix: str = "") -> Iterator[None]:
    """Report a change a service refuses as problems at ``path`` of the file."""
    try:
        yield
    except AgreementError as refused:
        raise AgreementFileError([FileProblem(path, f"{prefix}{problem}") for problem in refused.problems]) from refused


def _status_words(status: str) -> str:
    return AgreementStatus(status).label.lower()


def _transition(*, actor, agreement: Agreement, path: str, before: str, after: str, **context) -> None:
    with _at(path, prefix=f"cannot move from {_status_words(before)} to {_status_words(after)}: "):
        agreement_transition(actor=actor, agreement=agreement, to_status=after, **context)


def _shortest_path(to_status: str) -> list[str]:
    """The statuses an agreement passes through from draft to ``to_status``, by the fewest moves."""
    routes: dict[str, list[str]] = {AgreementStatus.DRAFT: [AgreementStatus.DRAFT]}
    queue = deque([AgreementStatus.DRAFT])
    while queue:
        status = queue.popleft()
        for before, after in TRANSITIONS:
            if before == status and after not in routes:
                routes[after] = [*routes[status], after]
                queue.append(after)
    return routes[to_status]


def _build(*, actor, document: dict, checks: _Checks) -> Agreement:
    data = document["agreement"]
    term, manager = data["term"], data.get("pooled_fund_manager", {})
    terms, consultation = data.get("terms", {}), data.get("consultation", {})
    bases, flexibilities = data["legal_basis"], data.get("flexibilities", [])
    closed_on = consultation.get("closed_on")
    optional = {"renewal_notice_months": term["renewal_notice_months"]} if "renewal_notice_months" in term else {}
    with _at("agreement"):
        agreement = agreement_create(
            actor=actor, reference=data["reference"], title=data["title"],
            start_date=_parse_date(term["start"]), end_date=_parse_date(term["end"]),
            summary=data.get("summary", ""),
            basis_s75="s75" in bases, basis_s76="s76" in bases, basis_s256="s256" in bases,
            pooled_fund="pooled_fund" in flexibilities, lead_commissioning="lead_commissioning" in flexibilities,
            integrated_provision="integrated_provision" in flexibilities,
            is_better_care_fund=data.get("better_care_fund", False),
            extension_months_available=term.get("extension_months_available", 0),
            pooled_fund_manager_name=manager.get("name", ""), pooled_fund_manager_title=manager.get("title", ""),
            pooled_fund_manager_email=manager.get("email", ""),
            contribution_variation_terms=terms.get("contribution_variation", ""),
            review_terms=terms.get("review", ""), variation_terms=terms.get("variation", ""),
            termination_terms=terms.get("termination", ""), fund_management_terms=terms.get("fund_management", ""),
            prior_agreement_clause=terms.get("prior_agreement", ""),
            consultation_closed_on=_parse_date(closed_on) if closed_on else None,
            consultation_exemption_reason=consultation.get("exemption_reason", ""),
            predecessor=checks.predecessor,
            **optional,
        )
    parties = {}
    for index, entry in enumerate(document["parties"]):
        with _at(f"parties[{index}]"):
            parties[entry["organisation"]] = party_add(
                actor=actor, agreement=agreement, organisation=checks.organisations[entry["organisation"]],
                name_in_agreement=entry.get("name", ""), is_host=entry.get("host", False),
                requires_prior_agreement=entry.get("requires_prior_agreement"),
            )

    streams = {stream.code: stream for stream in FundingStream.objects.all()}
    schedules = {}
    for index, entry in enumerate(document.get("schedules", [])):
        path, lead = f"schedules[{index}]", entry.get("lead_commissioner")
        with _at(path):
            schedule = schedule_create(
                actor=actor, agreement=agreement, title=entry["title"], number=entry["number"],
                funding_type=entry.get("funding_type", "pooled"),
                lead_commissioner=None if lead is None else parties[lead],
                aims_and_outcomes=entry.get("aims_and_outcomes", ""),
                nhs_functions="\n".join(entry.get("nhs_functions", [])),
                health_related_functions="\n".join(entry.get("health_related_functions", [])),
                eligible_people=entry.get("eligible_people", ""), services=entry.get("services", ""),
                resources=entry.get("resources", ""),
            )
        schedules[entry["number"]] = schedule
        for contribution_index, contribution in enumerate(entry.get("contributions", [])):
            with _at(f"{path}.contributions[{contribution_index}]"):
                contribution_set(
                    actor=actor, schedule=schedule, party=parties[contribution["party"]],
                    financial_year=FinancialYear.parse(contribution["year"]).start_year,
                    funding_stream=streams[contribution["stream"]], amount_pence=_pence(contribution["amount"]),
                )

    for index, entry in enumerate(document.get("approvals", [])):
        with _at(f"approvals[{index}]"):
            approval_record(
                actor=actor, agreement=agreement, party=parties[entry["party"]],
                decided_on=_parse_date(entry["decided_on"]), decision_maker=entry["decision_maker"],
                reference=entry.get("reference", ""),
            )

    for index, entry in enumerate(document.get("risk_share", [])):
        year, number, reserve = entry.get("year"), entry.get("schedule"), entry.get("contingency_reserve")
        with _at(f"risk_share[{index}]"):
            risk_share_terms_set(
                actor=actor, agreement=agreement,
                financial_year=None if year is None else FinancialYear.parse(year).start_year,
                schedule=None if number is None else schedules[number],
                overspend_rule=entry["overspend_rule"], underspend_rule=entry["underspend_rule"],
                offset_first=entry.get("offset_first", False),
                contingency_reserve_pence=0 if reserve is None else _pence(reserve),
                maladministration_borne_by_host=entry.get("maladministration_borne_by_host", True),
                party_terms=[
                    {
                        "party": parties[term["party"]],
                        "fixed_percent": _optional(term.get("fixed_percent"), _parse_percent),
                        "cap_pence": _optional(term.get("cap"), _pence),
                        "cap_percent": _optional(term.get("cap_percent"), _parse_percent),
                    }
                    for term in entry.get("parties", [])
                ],
            )

    history = document.get("history", [])
    for index, entry in enumerate(history):
        moment = _parse_moment(entry["at"])
        _transition(actor=actor, agreement=agreement, path=f"history[{index}]", before=entry["from"],
                    after=entry["to"], reason=entry["reason"], end_reason=entry.get("end_reason") or "",
                    on=timezone.localdate(moment), at=moment)
    if not history:
        route = _shortest_path(data.get("status", AgreementStatus.DRAFT))
        for before, after in zip(route, route[1:], strict=False):
            _transition(actor=actor, agreement=agreement, path="agreement.status", before=before, after=after,
                        reason=LOADED_REASON, end_reason=(data.get("end_reason") or "") if after == _ENDED else "")
    return Agreement.objects.get(pk=agreement.pk)


def _optional(value, parse):
    return None if value is None else parse(value)


def agreement_load(*, actor, document: dict) -> Agreement:
    """Create the agreement a file describes, or raise :class:`AgreementFileError` listing every problem.

    ``actor`` is the user loading it (who needs the permission to manage agreements and whose organisation, or one
    it succeeded, must be a party), or ``None`` for the system operator. The whole file is checked first; then the
    agreement is built as a draft through the services and its history replayed, in one transaction, so a file
    with any problem leaves the register as it was.
    """
    if actor is not None:
        _check_may_load(actor, _mapping(document))
    problems = _schema_problems(document)
    if not isinstance(document, dict):
        raise AgreementFileError(problems)
    checks = _Checks(document=document, reported=problems, actor=actor)
    problems += checks.run()
    if problems:
        raise AgreementFileError(problems)
    with transaction.atomic():
        return _build(actor=actor, document=document, checks=checks)
