"""Shared foundations: money, financial years, base models and the page furniture."""
