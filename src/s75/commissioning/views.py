"""Pages of lead commissioning, under ``/agreements/<pk>/commissioning/``: the agreement's packages (filtered, and
as Excel), a package with its versions and a form to record a change, and a partner's recharge statement for a
month (and as Excel), from which the recharge is posted, reversed, and its lines disputed. Thin: parse input, call
a service or selector, render.

Every page finds its agreement through ``visible_agreement_or_404``, so an agreement the user's organisation is
not party to is a 404; recording a change, posting, reversing and disputing need the pooled fund manager's
permission (``ledger.post_ledger``, as each moves what is posted to the ledger), else 403; so does loading
providers, contracts or packages from a file.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from s75.agreements.models import Agreement
from s75.agreements.pages import visible_agreement_or_404
from s75.agreements.selectors import user_may_change
from s75.core.exports import xlsx_response
from s75.core.fiscal import FinancialMonth
from s75.ledger.permissions import POST_LEDGER

from .contract_importing import CONTRACT_MAPPING, PROVIDER_MAPPING, contracts_import, providers_import
from .costing import month_days
from .exports import packages_workbook, statement_workbook
from .forms import DisputeForm, ImportForm, ImportKind, PackageChangeForm, PackageFilterForm, ReasonForm, ResolveForm
from .importing import DEFAULT_MAPPING, packages_import
from .models import Contract, Dispute, DisputeOutcome, Package
from .recharges import dispute_mark, dispute_resolve, recharge_post, recharge_reverse
from .selectors import (
    LineStatus,
    package_figures,
    package_get,
    package_terms,
    packages_filtered,
    packages_visible_to,
    recharge_statement,
)
from .services import CommissioningError, package_change
from .statement_pdf import statement_pdf


def _filtered(request, agreement: Agreement):
    today = timezone.localdate()
    form = PackageFilterForm(request.GET or None, contracts=Contract.objects.filter(
        schedule__agreement=agreement).select_related("provider"), parties=agreement.parties.all())
    filters = form.cleaned_data if form.is_valid() else {}
    packages = packages_filtered(
        packages=packages_visible_to(user=request.user).filter(agreement=agreement), as_at=today,
        contract_id=filters.get("contract"), party_id=filters.get("partner"), status=filters.get("status", ""),
        reference=filters.get("reference", ""))
    return form, packages, today


def last_ended_month(agreement: Agreement, today) -> FinancialMonth:
    """The month before ``today``'s, the latest that can be recharged; the term's last month once the term is
    over."""
    return FinancialMonth.containing(min(today.replace(day=1) - timedelta(days=1), agreement.end_date))


def term_months(agreement: Agreement) -> list[FinancialMonth]:
    """Every month of the agreement's term, for the statement's month chooser (a form, so that a walk of the
    site's links does not follow a chain of months)."""
    months, day = [], agreement.start_date.replace(day=1)
    while day <= agreement.end_date:
        months.append(FinancialMonth.containing(day))
        day = month_days(months[-1])[1] + timedelta(days=1)
    return months


@login_required
def packages_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    form, packages, today = _filtered(request, agreement)
    rows = [(package, package_figures(package=package, as_at=today)) for package in packages]
    return render(request, "commissioning/packages.html", {
        "agreement": agreement, "form": form, "rows": rows, "today": today, "query": request.GET.urlencode(),
        "statement_month": last_ended_month(agreement, today), "parties": agreement.parties.all(),
        "may_import": _may_post(request, agreement),
    })


@login_required
def packages_xlsx(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    _, packages, today = _filtered(request, agreement)
    return xlsx_response(packages_workbook(packages=packages, as_at=today),
                         f"{slugify(agreement.reference)}-packages.xlsx")


@login_required
def package_view(request, pk: int, package_id: int):
    agreement = visible_agreement_or_404(request, pk)
    try:
        package = package_get(user=request.user, agreement=agreement, pk=package_id)
    except Package.DoesNotExist as exc:
        raise Http404("No package found") from exc
    may_change = _may_post(request, agreement)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = PackageChangeForm(request.POST if request.method == "POST" else None) if may_change else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            package_change(actor=request.user, package=package, effective_from=data["effective_from"],
                           pence_per_unit=data["rate"], units_per_week=data["units_per_week"])
        except CommissioningError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The change to {package.reference} from "
                                      f"{data['effective_from']:%-d %B %Y} was recorded")
            return redirect("commissioning:package", pk=agreement.pk, package_id=package.pk)
    today = timezone.localdate()
    terms = package_terms(package)
    versions = list(zip(package.versions.all(), [t.week_pence for t in terms], strict=True))
    return render(request, "commissioning/package.html", {
        "agreement": agreement, "package": package, "versions": versions, "form": form,
        "figures": package_figures(package=package, as_at=today), "today": today,
        "statement_month": last_ended_month(agreement, today),
    })


def _load(kind: str, *, actor, agreement: Agreement, path: Path, filename: str, dry_run: bool):
    """The import of ``kind``'s file; providers are the framework's, not one agreement's."""
    if kind == ImportKind.PROVIDERS:
        return providers_import(actor=actor, path=path, filename=filename, dry_run=dry_run)
    load = contracts_import if kind == ImportKind.CONTRACTS else packages_import
    return load(actor=actor, agreement=agreement, path=path, filename=filename, dry_run=dry_run)


def _import_summary(kind: str, result) -> str:
    if kind == ImportKind.PACKAGES:
        return (f"{result.packages_placed:,} packages placed, {result.changes:,} changes, {result.ends:,} ends, "
                f"{result.rows_already_loaded:,} rows already loaded")
    return f"{result.loaded:,} {kind} loaded, {result.already_loaded:,} already loaded"


@login_required
def import_view(request, pk: int):
    """Load providers, contracts or packages from a file, or only check it: all or nothing, every bad row named."""
    agreement = visible_agreement_or_404(request, pk)
    if not _may_post(request, agreement):
        raise PermissionDenied
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                result = _load(kind, actor=request.user, agreement=agreement, path=path,
                               filename=Path(upload.name).name, dry_run=form.cleaned_data["dry_run"])
            except CommissioningError as error:
                form.add_problems(error.problems)
            else:
                summary = _import_summary(kind, result)
                if result.dry_run:
                    messages.success(request, f"{Path(upload.name).name} was checked, and nothing saved: {summary}")
                else:
                    messages.success(request, f"{Path(upload.name).name} was loaded: {summary}")
                return redirect("commissioning:import", pk=agreement.pk)
    return render(request, "commissioning/import.html", {
        "agreement": agreement, "form": form,
        "headings": [(ImportKind.PROVIDERS, PROVIDER_MAPPING), (ImportKind.CONTRACTS, CONTRACT_MAPPING),
                     (ImportKind.PACKAGES, DEFAULT_MAPPING)],
    })


def _statement(request, pk: int, party_id: int, month: FinancialMonth):
    agreement = visible_agreement_or_404(request, pk)
    party = agreement.parties.filter(pk=party_id).first()
    if party is None or not 1 <= month.month <= 12:
        raise Http404("No such partner")
    return recharge_statement(agreement=agreement, party=party, month=month)


def _may_post(request, agreement: Agreement) -> bool:
    return user_may_change(user=request.user, agreement=agreement, permission=POST_LEDGER)


@login_required
def statement_view(request, pk: int, party_id: int, month: FinancialMonth, *, dispute_form=None,
                   reason_form=None):
    chosen = request.GET.get("month", "")
    if chosen and chosen != month.label:
        try:
            return redirect("commissioning:statement", pk=pk, party_id=party_id, month=FinancialMonth.parse(chosen))
        except ValueError:
            pass  # not a month: the page stays on its own
    statement = _statement(request, pk, party_id, month)
    first, last = month_days(month)
    may_post = _may_post(request, statement.agreement)
    disputable = {line.package.pk: line.package for line in statement.lines
                  if line.cost_month == month and line.status == LineStatus.CHARGED}
    return render(request, "commissioning/statement.html", {
        "agreement": statement.agreement, "statement": statement, "month": month, "first": first, "last": last,
        "months": term_months(statement.agreement),
        "ended": last < timezone.localdate(), "may_post": may_post,
        "disputes": Dispute.objects.filter(party=statement.party, package__agreement=statement.agreement,
                                           outcome=DisputeOutcome.OPEN).select_related("package"),
        "dispute_form": dispute_form or (DisputeForm(packages=disputable.values())
                                         if may_post and disputable and not statement.recharge else None),
        "reason_form": reason_form or (ReasonForm() if may_post and statement.recharge else None),
    })


def _act(request, pk: int, party_id: int, month: FinancialMonth, act, success: str):
    """Do ``act`` (a service call that may refuse) for a POST by a user who may post, then back to the statement
    with ``success`` or the refusal."""
    statement = _statement(request, pk, party_id, month)
    if not _may_post(request, statement.agreement):
        raise PermissionDenied
    try:
        act(statement)
    except CommissioningError as error:
        for problem in error.problems:
            messages.error(request, str(problem)[0].upper() + str(problem)[1:])
    else:
        messages.success(request, success)
    return redirect("commissioning:statement", pk=pk, party_id=party_id, month=month)


@login_required
@require_POST
def recharge_post_view(request, pk: int, party_id: int, month: FinancialMonth):
    return _act(request, pk, party_id, month, lambda statement: recharge_post(
        actor=request.user, agreement=statement.agreement, party=statement.party, month=month,
        today=timezone.localdate()), f"The recharge for {month} was posted to the ledger")


@login_required
@require_POST
def recharge_reverse_view(request, pk: int, party_id: int, month: FinancialMonth):
    if not _may_post(request, visible_agreement_or_404(request, pk)):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return statement_view(request, pk, party_id, month, reason_form=form)

    def reverse(statement):
        if statement.recharge is None:
            raise CommissioningError(f"no recharge for {month} is posted")
        recharge_reverse(actor=request.user, recharge=statement.recharge, reason=form.cleaned_data["reason"])

    return _act(request, pk, party_id, month, reverse, f"The recharge for {month} was reversed by a correcting entry")


@login_required
@require_POST
def dispute_mark_view(request, pk: int, party_id: int, month: FinancialMonth):
    statement = _statement(request, pk, party_id, month)
    if not _may_post(request, statement.agreement):
        raise PermissionDenied
    packages = {line.package.pk: line.package for line in statement.lines}
    form = DisputeForm(request.POST, packages=packages.values())
    if not form.is_valid():
        return statement_view(request, pk, party_id, month, dispute_form=form)
    return _act(request, pk, party_id, month, lambda statement: dispute_mark(
        actor=request.user, package=packages[form.cleaned_data["package"]], party=statement.party, month=month,
        reason=form.cleaned_data["reason"]), "The line is marked as disputed and held back")


@login_required
@require_POST
def dispute_resolve_view(request, pk: int, party_id: int, month: FinancialMonth, dispute_id: int):
    form = ResolveForm(request.POST)

    def resolve(statement):
        dispute = Dispute.objects.filter(pk=dispute_id, party=statement.party,
                                         package__agreement=statement.agreement).first()
        if dispute is None:
            raise Http404("No dispute found")
        if not form.is_valid():
            raise CommissioningError("choose whether the line is to be recharged or not")
        dispute_resolve(actor=request.user, dispute=dispute, outcome=form.cleaned_data["outcome"])

    return _act(request, pk, party_id, month, resolve, "The dispute is resolved")


def _statement_filename(statement, extension: str) -> str:
    return (f"{slugify(statement.agreement.reference)}-recharge-{slugify(statement.party.name_in_agreement)}"
            f"-{statement.month.year.label}-m{statement.month.month:02d}.{extension}")


@login_required
def statement_xlsx(request, pk: int, party_id: int, month: FinancialMonth):
    statement = _statement(request, pk, party_id, month)
    return xlsx_response(statement_workbook(statement=statement), _statement_filename(statement, "xlsx"))


@login_required
def statement_pdf_view(request, pk: int, party_id: int, month: FinancialMonth):
    statement = _statement(request, pk, party_id, month)
    response = HttpResponse(statement_pdf(statement=statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_statement_filename(statement, "pdf")}"'
    return response
