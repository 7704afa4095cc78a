"""The shape of the Better Care Fund workbooks, shared by the writer and the reader: the sheets, their columns and
the words of the list columns, so that a workbook written here reads back to the same plan."""

from dataclasses import dataclass

PLANNING, QUARTERLY, YEAR_END = "planning", "quarterly", "year-end"
TEMPLATES = {
    PLANNING: "Better Care Fund planning template",
    QUARTERLY: "Better Care Fund quarterly return",
    YEAR_END: "Better Care Fund year-end return",
}

COVER, CHECKLIST, INCOME, EXPENDITURE, METRICS, CONDITIONS, SIGN_OFF, LISTS = (
    "Cover", "Checklist", "Income", "Expenditure", "Metrics", "National conditions", "Sign-off", "Lists")

# The cover's labels (column A) the reader looks for; their values are in column B.
AREA_LABEL, YEAR_LABEL, AGREEMENT_LABEL, PLAN_LABEL = (
    "Health and Wellbeing Board area", "Financial year", "Governing agreement", "Plan ID")
NARRATIVE_LABEL = "Summary of the approach"
TOTAL = "Total"
YES, NO = "Yes", "No"
# Blank rows left above a table's total row for lines to be added in Excel.
SPARE_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    width: int
    list: str = ""  # the Lists sheet's column heading whose values its drop-down offers
    required: bool = False


# The Lists sheet's columns, in order.
SOURCE_LIST, TYPE_LIST, SUB_TYPE_LIST, AREA_LIST, COMMISSIONER_LIST, PROVIDER_LIST = (
    "Source of funding", "Scheme type", "Scheme sub-type", "Area of spend", "Commissioner", "Provider type")
NEW_LIST, YES_NO_LIST, ORGANISATION_LIST, SCHEDULE_LIST, DISTRICT_LIST = (
    "New or existing", "Yes or no", "Contributing organisation", "s75 schedule", "District council")

INCOME_COLUMNS = (
    Column("source", "Source of funding", 42, SOURCE_LIST, required=True),
    Column("organisation", "Contributing organisation", 36, ORGANISATION_LIST, required=True),
    Column("amount", "Income (£)", 18, required=True),
)
LINE_COLUMNS = (
    Column("scheme_id", "Scheme ID", 10, required=True),
    Column("scheme_name", "Scheme name", 30, required=True),
    Column("description", "Brief description", 36),
    Column("scheme_type", "Scheme type", 30, TYPE_LIST, required=True),
    Column("sub_type", "Sub-type", 30, SUB_TYPE_LIST),
    Column("outputs", "Planned outputs", 12),
    Column("output_unit", "Units", 16),
    Column("area_of_spend", "Area of spend", 20, AREA_LIST, required=True),
    Column("commissioner", "Commissioner", 16, COMMISSIONER_LIST, required=True),
    Column("nhs_percent", "% NHS", 8),
    Column("la_percent", "% LA", 8),
    Column("provider_type", "Provider type", 28, PROVIDER_LIST, required=True),
    Column("source", "Source of funding", 30, SOURCE_LIST, required=True),
    Column("planned", "Planned expenditure (£)", 18, required=True),
    Column("new_or_existing", "New or existing", 12, NEW_LIST, required=True),
    Column("schedule", "s75 schedule", 30, SCHEDULE_LIST, required=True),
    Column("passed_to", "DFG passed to", 26, DISTRICT_LIST),
)
CONDITION_COLUMNS = (
    Column("code", "Condition", 10, required=True),
    Column("name", "National condition", 60),
    Column("confirmed", "Confirmed", 12, YES_NO_LIST, required=True),
    Column("comment", "Comment", 50),
)
METRIC_COLUMNS = (
    Column("metric", "Metric", 50, required=True),
    Column("unit", "Unit", 26),
    *(Column(f"planned_{quarter}", f"Q{quarter} planned", 12) for quarter in range(1, 5)),
)
METRIC_ACTUAL_COLUMNS = tuple(Column(f"actual_{quarter}", f"Q{quarter} actual", 12) for quarter in range(1, 5))
