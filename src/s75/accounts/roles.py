"""The roles of DESIGN.md §1 and the domain permissions each carries.

Permissions are named for domain actions and declared on the models that own them; a role is a Django group
holding a set of them. Adding a role or a permission later is a change to this table alone.
"""

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Pooled fund manager": (
        "agreements.manage_agreement",
        "agreements.transition_agreement",
        "agreements.vary_agreement",
        "audit.view_audit_trail",
        "ledger.post_ledger",
        "ledger.close_period",
        "governance.manage_governance",
        "governance.record_decision",
        "documents.edit_clause_templates",
        "settlement.settle_fund",
        "bcf.manage_plan",
        "consultations.manage_consultation",
        "consultations.erase_personal_data",
    ),
    "Commissioner": (
        "agreements.manage_agreement", "agreements.vary_agreement", "governance.manage_governance",
        "governance.record_decision", "bcf.manage_plan",
        "consultations.manage_consultation", "consultations.erase_personal_data",
    ),
    "Partner finance lead": ("audit.view_audit_trail", "monitoring.record_consent", "settlement.approve_settlement"),
    "Board member": (),
    "Auditor": ("audit.view_audit_trail",),
    # NHS England's Better Care Fund team: sees every plan and assures them.
    "NHS England": ("bcf.view_national", "bcf.assure_plan"),
}
