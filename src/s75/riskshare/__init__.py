"""Risk-share terms: who bears an overspend and who benefits from an underspend (DESIGN.md §6)."""
