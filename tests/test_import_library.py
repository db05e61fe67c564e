"""Snapshots, idempotency, all-or-nothing imports, privacy and archive-shape tolerance."""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import replace
from datetime import datetime

import duckdb
import pytest

from archivelens import pipeline
from archivelens.errors import Cancelled, UserError
from archivelens.progress import CancelToken
from tests.conftest import era_spec

DATA_TABLES = (
    "accounts",
    "snapshots",
    "import_files",
    "import_messages",
    "tweets",
    "followers",
    "following",
    "blocks",
    "mutes",
    "likes",
    "people",
)


def table_counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DATA_TABLES}


def test_reimport_changes_nothing(make_archive, library):
    path, _, _ = make_archive("current")
    first = pipeline.import_archive(path, library)
    before = table_counts(library)
    again = pipeline.import_archive(path, library)
    assert again.already_imported and again.snapshot_id == first.snapshot_id
    assert table_counts(library) == before


@pytest.mark.parametrize("era", ["2018-2020", "classic"])
def test_reimport_is_idempotent_without_manifest_date(era, make_archive, library):
    path, _, _ = make_archive(era)
    pipeline.import_archive(path, library)
    before = table_counts(library)
    assert pipeline.import_archive(path, library).already_imported
    assert table_counts(library) == before


def test_zip_and_extracted_folder_are_the_same_snapshot(make_archive, library):
    zipped, story, _ = make_archive("current")
    folder, _, _ = make_archive("current", spec=story.spec, as_zip=False)
    pipeline.import_archive(zipped, library)
    assert pipeline.import_archive(folder, library).already_imported


def test_newer_archive_adds_a_snapshot(make_archive, library):
    spec = era_spec("current")
    old, _, _ = make_archive("current", spec=spec)
    newer_spec = replace(
        spec, followers=spec.followers + 10, generated_at=datetime(2024, 1, 5, 12, 0, 0)
    )
    new, _, _ = make_archive("current", spec=newer_spec)
    a = pipeline.import_archive(old, library)
    b = pipeline.import_archive(new, library)
    assert b.snapshot_id != a.snapshot_id and not b.already_imported
    assert b.counts["followers"] == newer_spec.followers
    assert table_counts(library)["snapshots"] == 2
    assert table_counts(library)["accounts"] == 1


def test_several_accounts_share_a_library(make_archive, library):
    spec = era_spec("current")
    mine, _, _ = make_archive("current", spec=spec)
    theirs, _, _ = make_archive(
        "current", spec=replace(spec, owner_id=42, owner_handle="other", seed=99)
    )
    pipeline.import_archive(mine, library)
    pipeline.import_archive(theirs, library)
    assert table_counts(library)["accounts"] == 2


class CancelAt:
    """A progress sink that cancels the import when it reaches a given stage."""

    def __init__(self, token: CancelToken, stage_prefix: str) -> None:
        self.token, self.stage_prefix = token, stage_prefix

    def update(self, stage: str, fraction: float | None = None) -> None:
        if stage.startswith(self.stage_prefix):
            self.token.cancel()


@pytest.mark.parametrize(
    "stage", ["Opening", "Reading the archive", "Classifying", "Saving followers", "Saving"]
)
def test_cancel_leaves_library_unchanged(stage, make_archive, library):
    first, _, _ = make_archive("2020-2022")
    pipeline.import_archive(first, library)
    before = table_counts(library)
    second, _, _ = make_archive("current")
    token = CancelToken()
    with pytest.raises(Cancelled):
        pipeline.import_archive(second, library, CancelAt(token, stage), token)
    assert table_counts(library) == before
    # and the library still works: the cancelled archive imports cleanly afterwards
    assert not pipeline.import_archive(second, library).already_imported


def _damage(path, member: str, tmp_path) -> object:
    """Copy the zip at *path* with *member* cut in half."""
    out = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[: len(data) // 2] if info.filename == member else data)
    return out


@pytest.mark.parametrize("member", ["data/tweets.js", "data/follower.js", "data/like.js"])
def test_failed_import_leaves_library_unchanged(member, make_archive, library, tmp_path):
    first, _, _ = make_archive("2020-2022")
    pipeline.import_archive(first, library)
    before = table_counts(library)
    good, _, _ = make_archive("current")
    damaged = _damage(good, member, tmp_path)
    with pytest.raises(UserError) as err:
        pipeline.import_archive(damaged, library)
    assert member in str(err.value)
    assert table_counts(library) == before


def test_not_a_zip_is_one_sentence(tmp_path, library):
    bogus = tmp_path / "notes.zip"
    bogus.write_text("hello")
    with pytest.raises(UserError, match="not a zip file"):
        pipeline.import_archive(bogus, library)


def test_zip_without_archive_files(tmp_path, library):
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("holiday/photo.txt", "not an archive")
    with pytest.raises(UserError, match="does not look like a Twitter/X archive"):
        pipeline.import_archive(other, library)


def test_wrapping_folder_and_macos_noise_are_tolerated(make_archive, library):
    path, story, _ = make_archive("current", wrap_folder="twitter-2023-07-02-abc123/", macosx=True)
    result = pipeline.import_archive(path, library)
    assert result.counts["tweets"] == len(story.tweets)
    assert not any("MACOSX" in n for n in result.not_read)


def test_manifest_count_mismatch_and_missing_file_are_warnings(make_archive, library):
    path, story, _ = make_archive(
        "current", parts=2, miscount="data/follower.js", drop_from_zip=("data/tweets-part1.js",)
    )
    result = pipeline.import_archive(path, library)
    # In a person's words first, the file last (the app shows it under "Details").
    assert any(
        w.startswith("Your followers list holds ")
        and "where the archive's table of contents lists" in w
        and w.endswith("(file: data/follower.js).")
        for w in result.warnings
    )
    assert (
        "Part of your tweets is missing from this archive (its table of contents lists "
        in "\n".join(result.warnings)
    )
    assert any(w.endswith("(file: data/tweets-part1.js).") for w in result.warnings)
    assert result.counts["tweets"] < len(story.tweets)


def test_part_file_not_in_manifest_is_still_read(make_archive, library, tmp_path):
    path, story, _ = make_archive("current", parts=2)
    # Remove tweets-part1.js from the manifest: the importer must read it anyway.
    out = tmp_path / "unlisted.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "data/manifest.js":
                text = data.decode()
                text = text.replace(
                    '"fileName" : "data/tweets-part1.js"', '"fileName" : "data/nothing-here.js"'
                )
                data = text.encode()
            dst.writestr(info, data)
    result = pipeline.import_archive(out, library)
    assert result.counts["tweets"] == len(story.tweets)
    assert (
        "The archive's table of contents does not list your tweets; it was read anyway "
        "(file: data/tweets-part1.js)." in result.warnings
    )


def test_email_and_phone_are_never_stored(make_archive, library):
    for era in ("current", "2018-2020"):
        path, _, _ = make_archive(era)
        pipeline.import_archive(path, library)
    raw = library.read_bytes()
    assert b"zimbler@example.com" not in raw
    assert b"+15555550123" not in raw


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_library_file_and_folder_are_private(imported, library):
    imported()
    assert stat.S_IMODE(library.stat().st_mode) == 0o600
    assert stat.S_IMODE(library.parent.stat().st_mode) == 0o700


def test_library_env_var_is_used(make_archive, tmp_path, monkeypatch):
    target = tmp_path / "env-lib.duckdb"
    monkeypatch.setenv("ARCHIVELENS_DB", str(target))
    path, _, _ = make_archive("current")
    pipeline.import_archive(path)
    assert target.exists()


def test_locked_library_is_one_sentence(make_archive, library, tmp_path):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    import subprocess
    import sys

    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
            "print('ok', flush=True); time.sleep(30)",
            str(library),
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "ok"
            with pytest.raises(UserError, match="in use by another program"):
                pipeline.import_archive(path, library)
        finally:
            holder.kill()


def _left_behind(con, snapshot_id: int) -> dict[str, int]:
    """The tables still holding rows of *snapshot_id*, with their counts: every table with a
    snapshot_id column is asked (one a migration adds is not forgotten by a removal)."""
    tables = con.execute(
        """SELECT DISTINCT table_name FROM information_schema.columns
           WHERE column_name = 'snapshot_id' AND table_schema = 'main'"""
    ).fetchall()
    sql = "SELECT count(*) FROM {} WHERE snapshot_id = ?"
    counts = {t: con.execute(sql.format(t), [snapshot_id]).fetchone()[0] for (t,) in tables}
    return {table: n for table, n in counts.items() if n}


def test_removing_a_snapshot_keeps_the_persons_reviews(two_snapshots, library):
    from archivelens.analysis import network
    from archivelens.store import snapshots

    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        follower = con.execute(
            "SELECT account_id FROM followers WHERE snapshot_id = ? LIMIT 1", [scope.snapshot_id]
        ).fetchone()[0]
        network.set_review_status(con, scope.account_id, follower, "not_for_me")
        network.set_note(con, scope.account_id, follower, "met at a conference")
        pipeline.remove_snapshot(con, scope.snapshot_id)
        assert [s[0] for s in snapshots.listing(con)] != [scope.snapshot_id]
        assert _left_behind(con, scope.snapshot_id) == {}
        older = pipeline.resolve_scope(con)
        assert older.snapshot_id != scope.snapshot_id
        review = con.execute(
            "SELECT status, note FROM reviews WHERE target_id = ?", [follower]
        ).fetchone()
    assert review == ("not_for_me", "met at a conference")


def test_records_sharing_a_tweet_id_are_counted_per_member_only_when_they_differ():
    """Two records with one id and different texts: the extra one is counted against its
    member; the same record repeated (part files do that) and damaged records are not."""
    from archivelens.store import ingest

    con = duckdb.connect()
    con.execute(
        """CREATE TEMP TABLE stage_tweets AS SELECT * FROM (VALUES
             (1, 'a', 'tweets-0000-000.json', NULL), (1, 'b', 'tweets-0001-000.json', NULL),
             (1, 'c', 'tweets-0001-000.json', NULL),
             (2, 'same', 'tweets-0000-000.json', NULL), (2, 'same', 'tweets-0001-000.json', NULL),
             (3, 'x', 'tweets-0000-000.json', NULL), (3, 'y', 'tweets-0000-000.json', 'text'),
             (4, 'only', 'tweets-0001-000.json', NULL))
           AS t(tweet_id, raw_text, filename, damage)"""
    )
    staged = ingest._Staged(
        by_name={"tweets-0000-000.json": "data/tweets.js", "tweets-0001-000.json": "data/t1.js"}
    )
    assert ingest._damaged(con, staged) == {
        ("data/tweets.js", "no readable text"): 1,
        ("data/tweets.js", "another record has the same tweet id"): 0,
        ("data/t1.js", "another record has the same tweet id"): 1,
    }


def test_a_liked_tweet_repeated_in_the_likes_is_kept_once():
    """Likes staged twice (a part file repeating records) become one row each; ids liked once
    go straight in, unreadable ids (NULL) included once."""
    from archivelens.store import likes

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE likes (snapshot_id INTEGER, tweet_id BIGINT, full_text VARCHAR, "
        "expanded_url VARCHAR)"
    )
    con.execute(
        """CREATE TEMP TABLE stage_likes AS SELECT * FROM (VALUES
             (1, 'one', 'u1', 'f'), (2, 'two', NULL, 'f'), (2, 'two', NULL, 'g'),
             (3, 'three', 'u3', 'f'), (3, 'three', 'u3', 'f'), (3, 'three', 'u3', 'g'),
             (NULL, 'no id', NULL, 'f'), (4, 'four', 'u4', 'g'))
           AS t(tweet_id, full_text, expanded_url, filename)"""
    )
    likes.insert_from_stage(con, 7)
    assert con.execute("SELECT * FROM likes ORDER BY tweet_id NULLS LAST").fetchall() == [
        (7, 1, "one", "u1"),
        (7, 2, "two", None),
        (7, 3, "three", "u3"),
        (7, 4, "four", "u4"),
        (7, None, "no id", None),
    ]


def test_a_removal_waits_for_a_preparation_running_on_another_connection(
    two_snapshots, library, monkeypatch
):
    """The app's views prepare on workers while the user removes the archive they show: a
    preparation that began first must not write its state after the removal (the id is reused
    by the next import, which would then find "current" marks over none of its rows)."""
    import threading

    from archivelens.analysis import promotion
    from archivelens.read import prepared

    started, go = threading.Event(), threading.Event()
    classify = promotion.ensure_classified

    def held_up(con, snapshot_id, account_id):
        started.set()
        assert go.wait(30)
        classify(con, snapshot_id, account_id)

    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        con.execute("DELETE FROM promotion_state WHERE snapshot_id = ?", [scope.snapshot_id])
        monkeypatch.setattr(promotion, "ensure_classified", held_up)
        view, remover = con.cursor(), con.cursor()
        preparing = threading.Thread(target=prepared.prepare, args=(view, scope))
        removing = threading.Thread(
            target=pipeline.remove_snapshot, args=(remover, scope.snapshot_id)
        )
        preparing.start()
        assert started.wait(30)
        removing.start()
        removing.join(0.5)
        assert removing.is_alive(), "the removal waits for the preparation"
        go.set()
        preparing.join(30)
        removing.join(30)
        assert _left_behind(con, scope.snapshot_id) == {}
        with pytest.raises(prepared.SnapshotGone):  # and a preparation after it writes nothing
            prepared.prepare(view, scope)
        assert _left_behind(con, scope.snapshot_id) == {}
