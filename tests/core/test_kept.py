"""What pages keep in the cache: keys that change with the release's code and templates, and generation counters
that move in the caller's transaction."""

from uuid import uuid4

import pytest
from django.db import transaction

from s75.core.kept import code_digest, drawing, generation_move, kept, kept_key
from s75.core.models import Generation


def test_a_release_that_draws_the_page_differently_keeps_it_under_another_key(tmp_path):
    (tmp_path / "charts.py").write_text("MINUS = '-'\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>{{ figure }}</p>\n")
    (tmp_path / "notes.txt").write_text("not code")
    before = code_digest(tmp_path)
    (tmp_path / "notes.txt").write_text("still not code")
    assert code_digest(tmp_path) == before, "only code and templates count"
    (tmp_path / "templates" / "page.html").write_text("<p>({{ figure }})</p>\n")
    assert code_digest(tmp_path) != before
    assert drawing() == drawing() and len(drawing()) == 16


@pytest.mark.django_db
def test_a_generation_counts_from_nothing_and_moves_with_its_transaction():
    def versions() -> dict:
        return dict(Generation.objects.filter(name__startswith="tests-").values_list("name", "version"))

    assert versions() == {}
    generation_move("tests-first")
    generation_move("tests-first")
    generation_move("tests-other")
    assert versions() == {"tests-first": 2, "tests-other": 1}
    with pytest.raises(RuntimeError), transaction.atomic():
        generation_move("tests-first")
        raise RuntimeError("the change failed")
    assert versions() == {"tests-first": 2, "tests-other": 1}


def test_a_kept_part_is_drawn_once_per_key():
    drawn = []

    def draw():
        drawn.append(1)
        return ["part"]

    run = uuid4().hex  # a cache kept by an earlier run never answers
    key = kept_key("test", "part", run, ("version", 2))
    assert kept(key, draw) == ["part"] and kept(key, draw) == ["part"]
    assert len(drawn) == 1
    assert kept_key("test", "part", run, ("version", 3)) != key
