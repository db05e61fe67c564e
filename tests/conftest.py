"""Shared fixtures: generated archives with their ground truth, and throwaway libraries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from testkit.archivegen import Options, Spec, Story, Written, build_story, write_archive
from testkit.archivegen.specs import ERA_END, GENERATED, era_spec

__all__ = ["ERA_END", "GENERATED", "era_spec"]  # tests import them from here too

MakeArchive = Callable[..., tuple[Path, Story, Written]]


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
