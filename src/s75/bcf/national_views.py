"""The national and regional view of Better Care Fund plans (``national.py``) as a page and as an Excel workbook
with a sheet per table. NHS England sees every plan; an ICB's users see the plans of their own HWB areas; anyone
else is refused.

The page's content and the workbook's tables are kept in the cache (``core.kept``) per scope and filters under
``national_inputs_version``, read first on each request: a change to any plan, agreement, organisation
or list is drawn afresh on the next request (docs/adr/0008). Whether the reader may see the view at all is decided
on every request."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook

from s75.core.charts import BarRow, Segment, bar_chart
from s75.core.exports import POUNDS_FORMAT, append_row, header_row, pounds, xlsx_response
from s75.core.forms import GovukForm
from s75.core.kept import kept, kept_key
from s75.core.money import format_gbp

from .checks import CHECKS
from .national import (
    NATIONAL,
    NationalFilters,
    NationalView,
    TotalRow,
    national_filter_choices,
    national_inputs_version,
    national_scope,
    national_view,
    national_view_allowed,
)
from .selectors import sees_every_plan

PLANNED = "#1d70b8"
MONEY, PERCENT, TEXT = "money", "percent", "text"


class NationalFilterForm(GovukForm):
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label="NHS region", required=False)
    icb = forms.TypedChoiceField(label="ICB", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False)
    failing = forms.ChoiceField(label="Failing check", required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", "All")]
        self.fields["year"].choices = every + [(year, f"{year}-{(year + 1) % 100:02d}") for year in choices["years"]]
        self.fields["region"].choices = every + [(region, region) for region in choices["regions"]]
        self.fields["icb"].choices = every + choices["icbs"]
        self.fields["status"].choices = every + list(choices["statuses"])
        self.fields["failing"].choices = [("", "Any or none")] + choices["checks"]

    def filters(self) -> NationalFilters:
        return NationalFilters(**{name: value for name, value in self.cleaned_data.items() if value is not None})


@dataclass(frozen=True)
class Table:
    """A table of the page and a sheet of the workbook: each cell is ``(value, kind)``, ``kind`` one of money
    (pence), percent (a fraction, or ``None``) or text."""

    name: str
    caption: str
    headers: list[str]
    rows: list[list[tuple[object, str]]]

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as the page shows it, and whether it is a number (aligned right)."""
        return [[(format_gbp(value, show_pence=True) if kind == MONEY else _percent(value) if kind == PERCENT
                  else str(value), kind != TEXT or isinstance(value, int)) for value, kind in row]
                for row in self.rows]


def _percent(share: Fraction | None) -> str:
    return "" if share is None else f"{Decimal(share.numerator * 100) / share.denominator:.1f}%"


def _totals_table(name: str, caption: str, heading: str, rows: list[TotalRow]) -> Table:
    total = sum(row.planned_pence for row in rows)
    return Table(name, caption, [heading, "Planned expenditure", "Share of planned"], [
        [(row.name, TEXT), (row.planned_pence, MONEY),
         (Fraction(row.planned_pence, total) if total else None, PERCENT)] for row in rows])


def national_tables(view: NationalView) -> list[Table]:
    """The page's tables, in order, as the workbook's sheets too."""
    plans = Table("Plans", "Plans", ["Area", "ICBs", "Year", "Status", "Income", "Planned expenditure",
                                     "NHS minimum", "NHS minimum on social care", "Share on social care",
                                     "Checks failing"], [
        [(row.plan.hwb.name, TEXT), (", ".join(row.icbs), TEXT), (str(row.plan.year), TEXT),
         (row.plan.get_status_display(), TEXT), (row.income_pence, MONEY), (row.planned_pence, MONEY),
         (row.nhs_minimum_pence, MONEY), (row.nhs_minimum_social_care_pence, MONEY),
         (row.social_care_share, PERCENT), ("; ".join(CHECKS[code] for code in row.failing), TEXT)]
        for row in view.plans])
    sources = Table("Sources", "Income and planned expenditure by source of funding",
                    ["Source of funding", "Income", "Planned expenditure"],
                    [[(row.name, TEXT), (row.income_pence, MONEY), (row.planned_pence, MONEY)]
                     for row in view.by_source])
    failing = Table("Checks", "Plans failing each check", ["Check", "Plans failing", "Areas"], [
        [(CHECKS[code], TEXT), (len(rows), TEXT), (", ".join(row.plan.hwb.name for row in rows), TEXT)]
        for code, rows in view.failing.items()])
    return [
        failing, sources,
        _totals_table("Scheme types", "Planned expenditure by scheme type", "Scheme type", view.by_scheme_type),
        _totals_table("Areas of spend", "Planned expenditure by area of spend", "Area of spend",
                      view.by_area_of_spend),
        _totals_table("Commissioners", "Planned expenditure by commissioner", "Commissioner", view.by_commissioner),
        _totals_table("Provider types", "Planned expenditure by provider type", "Provider type",
                      view.by_provider_type),
        plans,
    ]


def scheme_type_chart(view: NationalView) -> SafeString:
    rows = [BarRow(row.name, format_gbp(row.planned_pence), (Segment(row.planned_pence, PLANNED,
                                                                     f"{row.name}: {format_gbp(row.planned_pence)}"),))
            for row in sorted(view.by_scheme_type, key=lambda row: -row.planned_pence)]
    return bar_chart(chart_id="bcf-scheme-types", rows=rows, title="Planned expenditure by scheme type",
                     description="A bar for each scheme type, largest first; the table of scheme types has the "
                                 "figures.")


def national_workbook(tables: list[Table]) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        header_row(sheet, table.headers)
        for row in table.rows:
            append_row(sheet, [pounds(value) if kind == MONEY else
                          (None if value is None else Decimal(value.numerator) / value.denominator)
                          if kind == PERCENT else value for value, kind in row])
            for cell, (_, kind) in zip(sheet[sheet.max_row], row, strict=True):
                if kind == MONEY:
                    cell.number_format = POUNDS_FORMAT
                elif kind == PERCENT:
                    cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 40
    return workbook


def national_kept(*, user, query: QueryDict, part: str = "page"):
    """What the page (``part="page"``: its content, drawn by ``bcf/_national_body.html``) or the workbook
    (``part="tables"``) shows for the filters in ``query`` (the request's GET), from the cache or else drawn and
    kept; ``PermissionDenied`` for a user who may not see the view. Only the filters' own parameters count."""
    if not national_view_allowed(user=user):
        raise PermissionDenied
    version = national_inputs_version()  # read first: see its docstring
    scope = national_scope(user=user)
    asked = QueryDict(mutable=True)
    for name in NationalFilterForm.base_fields:
        if name in query:
            asked.setlist(name, query.getlist(name))

    def draw():
        form = NationalFilterForm(asked or None, choices=national_filter_choices(user=user))
        view = national_view(user=user, filters=form.filters() if form.is_bound and form.is_valid()
                             else NationalFilters())
        if part == "tables":
            return national_tables(view)
        return render_to_string("bcf/_national_body.html", {
            "form": form, "view": view, "tables": national_tables(view), "social_care_share":
            _percent(view.social_care_share), "chart": scheme_type_chart(view) if view.by_scheme_type else "",
            "query": asked.urlencode(), "is_national": scope == NATIONAL})

    return kept(kept_key("bcf", f"national-{part}", scope, sorted(asked.lists()), version), draw)


@login_required
def national_page(request):
    body = national_kept(user=request.user, query=request.GET)
    return render(request, "bcf/national.html", {
        "body": mark_safe(body),  # drawn by our own template, which escaped it
        "is_national": sees_every_plan(user=request.user),
    })


@login_required
def national_xlsx(request):
    return xlsx_response(national_workbook(national_kept(user=request.user, query=request.GET, part="tables")),
                         "better-care-fund-plans.xlsx")
