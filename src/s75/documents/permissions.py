"""The permission of the documents app, as ``has_perm`` takes it; declared on ``TemplateSet.Meta``."""

EDIT_CLAUSE_TEMPLATES = "documents.edit_clause_templates"
