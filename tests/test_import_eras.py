"""Every archive era imports with exact counts, texts and kinds (truth from the generator)."""

from __future__ import annotations

import zipfile

import duckdb
import pytest

from archivelens import pipeline
from testkit.archivegen import ERAS_ALL
from tests.conftest import era_spec


def _tweets(db) -> dict[int, tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT tweet_id, kind, text FROM tweets").fetchall()
    return {tid: (kind, text) for tid, kind, text in rows}


@pytest.mark.parametrize("era", ERAS_ALL)
def test_each_era_imports_exact_counts(era, make_archive, library):
    path, story, _ = make_archive(era, parts=3 if era != "classic" else 1)
    result = pipeline.import_archive(path, library)
    counts = result.counts
    truth = story.kind_counts()
    assert {k: counts[k] for k in truth} == truth
    assert counts["tweets"] == len(story.tweets)
    assert result.era == era
    if era == "classic":
        assert counts["followers"] == counts["following"] == 0
        assert any("no follower or following lists" in w for w in result.warnings)
    else:
        assert counts["followers"] == len(story.followers)
        assert counts["following"] == len(story.following)
        assert counts["mutuals"] == story.mutuals
        assert counts["likes"] == len(story.likes)
        assert counts["blocks"] == len(story.blocks)
        assert counts["mutes"] == len(story.mutes)


@pytest.mark.parametrize("era", ERAS_ALL)
def test_each_tweet_has_its_kind_and_exact_text(era, imported, library):
    story = imported(era, spec=era_spec(era, tweets=250, seed=11))
    stored = _tweets(library)
    assert set(stored) == {t.tweet_id for t in story.tweets}
    for t in story.tweets:
        kind, text = stored[t.tweet_id]
        assert kind == t.kind, t
        assert text == t.text, t


def test_classic_csv_only_archive(make_archive, library):
    path, story, _ = make_archive("classic", grailbird=False)
    result = pipeline.import_archive(path, library)
    assert {k: result.counts[k] for k in story.kind_counts()} == story.kind_counts()
    assert [f.file_name for f in result.files] == ["tweets.csv"]
    assert result.generated_at == era_spec("classic").generated_at


def test_edit_versions_collapse_to_latest_and_long_posts_complete(make_archive, library):
    path, story, written = make_archive("current", spec=era_spec("current", edited=8, notes=5))
    result = pipeline.import_archive(path, library)
    records = sum(n for name, n in written.records.items() if "/tweets" in name)
    assert records > len(story.tweets)  # the archive holds every edit version
    assert result.counts["tweets"] == len(story.tweets)
    with duckdb.connect(str(library), read_only=True) as con:
        edited = dict(
            con.execute(
                "SELECT tweet_id, edit_versions FROM tweets WHERE edit_versions > 1"
            ).fetchall()
        )
        notes = {
            r[0] for r in con.execute("SELECT tweet_id FROM tweets WHERE from_note").fetchall()
        }
    assert edited == {t.tweet_id: len(t.versions) + 1 for t in story.tweets if t.versions}
    assert notes == {t.tweet_id for t in story.tweets if t.long_note}


def test_deleted_tweets_are_not_counted(make_archive, library):
    path, story, _ = make_archive("current")
    result = pipeline.import_archive(path, library)
    assert "data/deleted-tweets.js" in result.not_read
    assert result.counts["tweets"] == len(story.tweets)


def test_people_directory_resolves_replied_and_mentioned(make_archive, library):
    path, story, _ = make_archive("current")
    result = pipeline.import_archive(path, library)
    with duckdb.connect(str(library), read_only=True) as con:
        rows = con.execute(
            "SELECT account_id, screen_name, display_name FROM people WHERE snapshot_id = ?",
            [result.snapshot_id],
        ).fetchall()
    directory = {a: (h, n) for a, h, n in rows}
    truth = story.named_people()
    assert set(directory) == set(truth)
    for account_id, (handle, name) in truth.items():
        assert directory[account_id][0] == handle
        if name is not None:
            assert directory[account_id][1] == name
    assert story.owner.account_id not in directory


def test_followers_keep_archive_order(make_archive, library):
    from testkit.archivegen import Spec  # noqa: F401  (spec built via era_spec)

    path, story, _ = make_archive(
        "current", spec=era_spec("current", followers=3000, following=200, mutuals=100)
    )
    result = pipeline.import_archive(path, library)
    with duckdb.connect(str(library), read_only=True) as con:
        ids = [
            r[0]
            for r in con.execute(
                "SELECT account_id FROM followers WHERE snapshot_id = ? ORDER BY position",
                [result.snapshot_id],
            ).fetchall()
        ]
    assert ids == story.followers


def test_long_posts_complete_in_every_real_shape(imported, library):
    """ "…", "… https://t.co/x", a reply whose note lacks the handle, a note with other t.co
    links (archive-format.md pitfalls 11, 31, 32): every long post gets its full text."""
    story = imported("current", spec=era_spec("current", notes=24, seed=5))
    long_posts = [t for t in story.tweets if t.long_note]
    shapes = {
        "ellipsis then link": any(t.truncated.split("…")[-1].strip() for t in long_posts),
        "reply": any(t.kind == "reply_to_others" for t in long_posts),
        "other t.co": any(t.urls and t.urls[0] not in t.note_text for t in long_posts),
    }
    assert all(shapes.values()), shapes
    stored = _tweets(library)
    with duckdb.connect(str(library), read_only=True) as con:
        from_note = {
            r[0] for r in con.execute("SELECT tweet_id FROM tweets WHERE from_note").fetchall()
        }
    assert from_note == {t.tweet_id for t in long_posts}
    for t in long_posts:
        assert stored[t.tweet_id] == (t.kind, t.text), t.truncated


def test_classic_csv_photo_links_are_media_not_quotes(make_archive, library):
    """tweets.csv lists a tweet's own /status/<own id>/photo/1 link (pitfall 35)."""
    spec = era_spec("classic", photos=30, media_only=20)
    path, story, _ = make_archive("classic", spec=spec, grailbird=False)
    result = pipeline.import_archive(path, library)
    assert {k: result.counts[k] for k in story.kind_counts()} == story.kind_counts()


@pytest.mark.parametrize(
    ("member", "body"),
    [
        ("data/js/payload_details.js", 'var payload_details = {"created_at" : 20190430}'),
        ("data/js/payload_details.js", "var payload_details = [1, 2]"),
        ("data/js/tweet_index.js", "var tweet_index = 12"),
        ("data/js/tweet_index.js", '[{"file_name" : "x", "tweet_count" : 1e400}]'),
    ],
)
def test_classic_index_files_of_the_wrong_shape_read_as_absent(
    member, body, make_archive, library, tmp_path
):
    """A classic archive's small files hold JSON of any shape when damaged: a number where a
    date or a list belongs reads as missing, never as a crash (the tweets still import)."""
    path, story, _ = make_archive("classic")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as out:
        for name in src.namelist():
            out.writestr(name, body if name == member else src.read(name))
    result = pipeline.import_archive(damaged, library)
    assert result.counts["tweets"] == len(story.tweets)
