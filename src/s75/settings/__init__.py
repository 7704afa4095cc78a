"""Settings split by environment: ``base`` (shared), ``dev``, ``test`` and ``prod``."""
