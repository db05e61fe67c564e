"""Shared fixtures: generated archives with their ground truth, and throwaway libraries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tests.archivegen import Options, Spec, Story, Written, build_story, write_archive

# One generation date per era, so archives of different eras are different snapshots.
GENERATED = {
    "current": datetime(2023, 7, 2, 7, 32, 42),
    "2020-2022": datetime(2021, 11, 5, 10, 0, 0),
    "2018-2020": None,  # no manifest: the importer estimates it from the newest tweet
    "classic": datetime(2019, 4, 30, 23, 59, 59),
}
ERA_END = {
    "current": datetime(2023, 6, 30),
    "2020-2022": datetime(2021, 10, 31),
    "2018-2020": datetime(2019, 6, 1),
    "classic": datetime(2019, 4, 1),
}

MakeArchive = Callable[..., tuple[Path, Story, Written]]


def era_spec(era: str, **overrides: object) -> Spec:
    spec = Spec(end=ERA_END[era], generated_at=GENERATED[era] or ERA_END[era], **overrides)
    if era != "current":
        spec = replace(spec, edited=0, notes=0)  # edits and long posts came in 2022–23
    return spec


@pytest.fixture
def make_archive(tmp_path: Path) -> MakeArchive:
    counter = iter(range(10_000))

    def make(
        era: str = "current", spec: Spec | None = None, name: str | None = None, **options: object
    ) -> tuple[Path, Story, Written]:
        story = build_story(spec or era_spec(era))
        suffix = "" if options.get("as_zip") is False else ".zip"
        out = tmp_path / (name or f"archive-{era}-{next(counter)}{suffix}")
        written = write_archive(story, era, out, Options(**options))  # type: ignore[arg-type]
        return out, story, written

    return make


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library" / "library.duckdb"


@pytest.fixture
def imported(make_archive: MakeArchive, library: Path) -> Callable[..., Story]:
    """*library* holding one generated archive, the preamble most tests share:
    ``imported(era, spec=…, **options)`` writes the archive as *make_archive* does, imports it
    with the pipeline (analysis included) and returns its story, the truth to check against."""
    from archivelens import pipeline

    def make(era: str = "current", spec: Spec | None = None, **options: object) -> Story:
        path, story, _ = make_archive(era, spec=spec, **options)
        pipeline.import_archive(path, library)
        return story

    return make


@pytest.fixture
def two_snapshots(make_archive: MakeArchive, library: Path) -> tuple[Story, Story]:
    """Two archives of one account imported into *library*: (older story, newer story)."""
    from archivelens import pipeline

    spec = era_spec("current", followers=100, following=50, mutuals=20)
    old_path, old, _ = make_archive("current", spec=spec)
    newer = replace(spec, followers=110, seed=spec.seed + 3, generated_at=datetime(2024, 3, 1))
    new_path, new, _ = make_archive("current", spec=newer)
    pipeline.import_archive(old_path, library)
    pipeline.import_archive(new_path, library)
    return old, new
