"""Budgets: each partner's contribution per schedule, financial year and funding stream."""
