"""Synthetic Twitter/X archives of every era, in the real file formats, with known ground truth.

    story = build_story(Spec(tweets=500))
    written = write_archive(story, "current", tmp_path / "archive.zip")
    story.kind_counts()  # what the importer must find

Also a command: ``python -m testkit.archivegen OUT.zip --era current --tweets 200000``.
"""

from testkit.archivegen.eras import ERAS_ALL, Options, Written, write_archive
from testkit.archivegen.story import KINDS, Spec, Story, build_story

__all__ = [
    "ERAS_ALL",
    "KINDS",
    "Options",
    "Spec",
    "Story",
    "Written",
    "build_story",
    "write_archive",
]
