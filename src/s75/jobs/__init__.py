"""Background work: a task's progress while it runs, where a task has got to, and the worker that runs tasks."""
