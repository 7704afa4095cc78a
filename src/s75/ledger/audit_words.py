"""How the audit trail words the acts of this app's services (registered in ``LedgerConfig.ready``)."""

from s75.audit.values import money_words
from s75.audit.wording import ActionWords, listed

from .models import EntryKind


def _imported(event) -> str:
    after = event.after
    text = f"imported {after['file']}: {after['rows_posted']:,} lines, {after['total']}"
    if after.get("rows_already_posted"):
        text += f" ({after['rows_already_posted']:,} lines already posted were left out)"
    if after.get("posted_anyway_years_without_budget"):
        text += f", posted anyway with lines in {after['posted_anyway_years_without_budget']}, which has no budget"
    return text


def _mappings_saved(event) -> str:
    after = event.after
    counts = [f"{len(after[part])} {part}" for part in ("added", "changed", "removed") if after[part]]
    return f"saved the cost-centre mappings: {listed(counts) or 'no change'}"


def _cost_centres(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{code} to schedule {number}" for code, number in value.items())
    return ", ".join(value)


LEDGER_WORDS = (
    ActionWords("fund_open", "Pooled fund opened", lambda event: f"opened the fund {event.after['fund']}",
                labels={"fund": "Fund"}),
    ActionWords("entry_post", "Journal entry posted", lambda event: (
        f"posted a journal entry ({EntryKind(event.after['kind']).label.lower()}) to {event.after['period']}: "
        f"{event.after['lines']} lines, {money_words(event.after['debits_pence'])}"
    ), labels={"kind": "Kind of entry", "lines": "Lines", "debits_pence": "Debits"},
        values={"kind": lambda kind: EntryKind(kind).label}),
    ActionWords("period_close", "Period closed", lambda event: f"closed the period {event.after['period']}"),
    ActionWords("column_mapping_save", "Column mapping saved",
                lambda event: f"saved the column mapping “{event.after['name']}”",
                labels={"columns": "Columns (field: heading in the file)"}),
    ActionWords("cost_centre_mappings_save", "Cost-centre mappings saved", _mappings_saved,
                labels={"added": "Cost centres added", "changed": "Cost centres moved",
                        "removed": "Cost centres removed"},
                values={"added": _cost_centres, "changed": _cost_centres, "removed": _cost_centres}),
    ActionWords("ledger_import", "General-ledger import", _imported, labels={
        "file": "File", "sha256": "Fingerprint of the file (SHA-256)", "rows_total": "Lines in the file",
        "rows_posted": "Lines posted", "rows_already_posted": "Lines already posted", "total": "Total",
        "entries": "Journal entries", "posted_anyway_years_without_budget": "Posted anyway: years with no budget",
    }),
)
