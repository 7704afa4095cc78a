"""How the audit trail words the acts of this app's services (registered in ``DocumentsConfig.ready``)."""

from s75.audit.wording import ActionWords


def _clauses(value: list) -> str:
    return f"{len(value)} clauses: " + "; ".join(clause["heading"] for clause in value)


DOCUMENT_WORDS = (
    ActionWords("template_set_install", "Clause templates installed",
                lambda event: f"installed {event.object_repr} with {len(event.after['clauses'])} clauses",
                labels={"number": "Version"}, values={"clauses": _clauses}),
    ActionWords("template_set_copy", "Clause templates copied",
                lambda event: f"made {event.object_repr}, its organisation's own copy of the shipped clauses",
                labels={"number": "Version"}, values={"clauses": _clauses}),
    ActionWords("clause_template_edit", "Clause template edited", lambda event: (
        f"edited the clause “{event.after['heading']}”, making version {event.after['version']}"
    ), labels={"key": "Clause", "body": "Wording"}),
)
