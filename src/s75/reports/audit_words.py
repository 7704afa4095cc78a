"""How the audit trail words the acts of this app's services (registered in ``ReportsConfig.ready``)."""

from s75.audit.wording import ActionWords, listed


def _made(event) -> str:
    after = event.after
    formats = listed([fmt.upper() if fmt == "pdf" else "Excel" for fmt in after["formats"]])
    text = f"made version {after['number']} of the report for {after['quarter'].replace('/', ' ')} ({formats})"
    return f"{text}, again from version {after['reproduces']}'s figures" if after.get("reproduces") else text


REPORT_WORDS = (
    ActionWords("report_version_create", "Report made", _made, labels={
        "number": "Version", "formats": "Formats", "reproduces": "Made again from version",
        "pdf_sha256": "Fingerprint of the PDF (SHA-256)", "xlsx_sha256": "Fingerprint of the Excel file (SHA-256)",
    }, values={"formats": lambda formats: listed(["PDF" if fmt == "pdf" else "Excel" for fmt in formats])}),
)
