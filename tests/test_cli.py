"""The installed `s75` command, end to end: export from one database, load into an empty one, export again.

Runs the real console script in subprocesses against two fresh SQLite files, as an operator would (the
in-process round-trip tests cover PostgreSQL).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

S75 = shutil.which("s75", path=str(Path(sys.executable).parent))


def s75(var_dir: Path, *args: str) -> str:
    env = {**os.environ, "S75_VAR_DIR": str(var_dir), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "s75.settings.dev"}
    result = subprocess.run([S75, *args], env=env, capture_output=True, text=True, cwd=var_dir.parent)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_agreement_exported_and_loaded_into_an_empty_database_is_identical(tmp_path):
    reference = "luton-s75-s76-2013"
    first, second = tmp_path / "first", tmp_path / "second"
    for var_dir in (first, second):
        s75(var_dir, "migrate", "-v0")
        s75(var_dir, "load-reference-data", "-v0")
    s75(first, "load-demo", "-v0")
    exported = tmp_path / "exported.yaml"
    s75(first, "export-agreement", reference, "--out", str(exported))

    assert "Loaded agreement" in s75(second, "load-agreement", str(exported))
    assert s75(second, "export-agreement", reference) == exported.read_text(encoding="utf-8")
    assert reference in s75(second, "agreements")
