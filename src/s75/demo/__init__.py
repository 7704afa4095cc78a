"""Demo data: the four seed partnerships and one user per role."""
