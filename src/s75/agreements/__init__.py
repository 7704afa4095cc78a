"""The agreement register: parties, schedules, the content checklist, variations and the lifecycle."""
