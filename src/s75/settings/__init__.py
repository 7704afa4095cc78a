"""Settings split by environment: ``base`` (shared), ``dev``, ``test`` and ``prod``; ``gunicorn`` serves ``prod``."""
