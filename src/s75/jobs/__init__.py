"""Background jobs: long work (a million-line import) run in its own process, with its progress in a file."""
