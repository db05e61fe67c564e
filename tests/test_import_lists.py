"""Account lists saved chunk by chunk while they inflate (store/network.ListLoader): the library
holds exactly what a one-shot load of the whole list gives, however the lists are cut."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from archivelens import pipeline
from archivelens.archive import staging
from archivelens.errors import UserError
from testkit.archivegen.eras import _account_ref
from testkit.archivegen.writer import records_file

LIST_TABLES = {
    "followers": "account_id, position",
    "following": "account_id, position",
    "blocks": "account_id",
    "mutes": "account_id",
    "follow_back": "rank, account_id, position",
}
TINY = 4096  # a split size of a few dozen records: a list of thousands spans many chunks


def _list_file(kind: str, part: int, ids: list[str]) -> str:
    records = [_account_ref(kind, 0, "current") for _ in ids]
    for record, account in zip(records, ids, strict=True):
        next(iter(record.values()))["accountId"] = account
    return "".join(records_file(f"window.YTD.{kind}.part{part}", records, "lines"))


def _with_followers(base: Path, out: Path, parts: list[list[str]]) -> Path:
    """A copy of the archive *base* whose followers are *parts* (data/follower.js, then
    data/follower-part1.js …), its table of contents listing each part."""
    names = ["data/follower.js"] + [f"data/follower-part{i}.js" for i in range(1, len(parts))]
    entries = ",\n".join(
        f'{{ "fileName" : "{name}", "globalName" : "YTD.follower.part{i}", '
        f'"count" : "{len(ids)}" }}'
        for i, (name, ids) in enumerate(zip(names, parts, strict=True))
    )
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "data/follower.js":
                continue
            if info.filename == "data/manifest.js":
                data = re.sub(
                    rb'("follower" : \{\s*"files" : \[).*?(\])',
                    lambda m: m[1] + entries.encode() + m[2],
                    data,
                    count=1,
                    flags=re.DOTALL,
                )
            dst.writestr(info, data)
        for i, (name, ids) in enumerate(zip(names, parts, strict=True)):
            dst.writestr(name, _list_file("follower", i, ids))
    return out


def _lists(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
            for table, cols in LIST_TABLES.items()
        }


def _expected_followers(parts: list[list[str]]) -> list[tuple[int, int]]:
    """Every readable id once, at the position (1, 2 … across parts) of its first record."""
    seen: dict[int, int] = {}
    position = 0
    for ids in parts:
        for account in ids:
            position += 1
            if account.isdigit():
                seen.setdefault(int(account), position)
    return sorted(seen.items())


def _import_both_ways(archive: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    whole, cut = tmp_path / "whole" / "lib.duckdb", tmp_path / "cut" / "lib.duckdb"
    pipeline.import_archive(archive, whole)
    monkeypatch.setattr(staging, "_SPLIT_BYTES", TINY)
    pipeline.import_archive(archive, cut)
    return whole, cut


def test_list_spanning_many_chunks_equals_one_shot(make_archive, tmp_path, monkeypatch):
    base, story, _ = make_archive("current")
    ids = [str(a) for a in story.followers] + [str(9_000_000 + i) for i in range(3000)]
    archive = _with_followers(base, tmp_path / "big.zip", [ids[:2000], ids[2000:]])
    whole, cut = _import_both_ways(archive, tmp_path, monkeypatch)
    got = _lists(cut)
    assert got == _lists(whole)
    assert got["followers"] == _expected_followers([ids[:2000], ids[2000:]])
    following = {a for (a, _) in got["following"]}
    unfollowed = sorted((p, a) for a, p in got["followers"] if a not in following)
    assert sorted(got["follow_back"]) == [(r, a, p) for r, (p, a) in enumerate(unfollowed)]
    assert len(got["followers"]) == len(ids)


def test_chunks_parsed_together_keep_their_order(make_archive, tmp_path, monkeypatch):
    """Chunks of a list that landed while the importer was busy are parsed in one statement
    (both threads): their records keep the archive's order, numbered across the chunks."""
    from archivelens.store import network

    base, _, _ = make_archive("current")
    ids = (
        [str(5_000_000 + i) for i in range(4000)]
        + ["x1"]
        + [str(4_000_000 + i) for i in range(900)]
    )
    archive = _with_followers(base, tmp_path / "pile.zip", [ids])
    monkeypatch.setattr(staging, "_SPLIT_BYTES", TINY)
    add = network.ListLoader.add
    files_per_call: list[int] = []

    def busy_first(self, kind, member, select_sql):  # the importer busy: the rest piles up
        paths = re.findall(r"'([^']*follower-[0-9]+-[0-9]+[.]json)'", select_sql)
        if not files_per_call:
            folder = Path(paths[0]).parent
            for _ in range(200):
                if len(list(folder.glob("follower-*.json"))) >= 20:
                    break
                time.sleep(0.05)
        files_per_call.append(len(paths))
        return add(self, kind, member, select_sql)

    monkeypatch.setattr(network.ListLoader, "add", busy_first)
    library = tmp_path / "lib.duckdb"
    pipeline.import_archive(archive, library)
    assert max(files_per_call) >= 10  # really parsed together
    assert _lists(library)["followers"] == _expected_followers([ids])


@pytest.mark.parametrize("files", [1, 2])
def test_duplicates_across_chunk_boundaries_keep_their_first_position(
    files, make_archive, tmp_path, monkeypatch
):
    base, _, _ = make_archive("current")
    first = [str(8_000_000 + i) for i in range(1500)]
    # repeats far apart (other chunks, the other part), side by side, and an unreadable id
    second = first[::7] + ["not-an-id"] + [str(7_000_000 + i) for i in range(800)] + first[:3]
    parts = [first + first[100:140], second]
    if files == 1:
        parts = [parts[0] + parts[1]]
    archive = _with_followers(base, tmp_path / "dups.zip", parts)
    whole, cut = _import_both_ways(archive, tmp_path, monkeypatch)
    got = _lists(cut)
    assert got == _lists(whole)
    assert got["followers"] == _expected_followers(parts)
    ranks = [rank for rank, _, _ in got["follow_back"]]
    assert sorted(ranks) == list(range(len(ranks)))
    by_rank = [p for _, _, p in sorted(got["follow_back"])]
    assert by_rank == sorted(by_rank)  # numbered in archive order


def test_damaged_list_mid_way_is_one_sentence_and_changes_nothing(
    make_archive, library, tmp_path, monkeypatch
):
    earlier, _, _ = make_archive("2020-2022")
    pipeline.import_archive(earlier, library)
    before = _lists(library)
    base, _, _ = make_archive("current")
    ids = [str(6_000_000 + i) for i in range(3000)]
    good = _with_followers(base, tmp_path / "good.zip", [ids])
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "data/follower.js":  # a record two thirds in loses its quote
                data = data.replace(b'"6002000"', b'"6002000', 1)
            dst.writestr(info, data)
    monkeypatch.setattr(staging, "_SPLIT_BYTES", TINY)
    with pytest.raises(UserError) as err:
        pipeline.import_archive(broken, library)
    message = str(err.value)
    assert message.startswith("data/follower.js is damaged and cannot be read")
    assert message.count(". ") == 0 and message.endswith(".")
    assert _lists(library) == before


def test_follow_back_is_numbered_by_position_across_many_row_groups(library):
    """Over 122,880 rows (several row groups, both threads busy) stored out of position order,
    with another snapshot's rows between them: the numbers follow the positions, 0, 1, 2 …"""
    from archivelens.store import network
    from archivelens.store.library import connect

    followers = 450_000  # every 12th is followed back: 412,500 numbered, 4 row groups
    con = connect(library)
    try:
        con.execute(
            """INSERT INTO followers
               SELECT s, 10_000_000 * s + i, 3 * i + s FROM range($n) t(i),
                      (VALUES (1), (2)) v(s)
               ORDER BY hash(i * 7 + s)""",
            {"n": followers},
        )
        con.execute(
            """INSERT INTO following SELECT snapshot_id, account_id, position FROM followers
               WHERE snapshot_id = 1 AND position % 36 = 1"""
        )
        network.number_follow_back(con, 1)
        unordered, numbered, wrong = con.execute(
            """SELECT (SELECT count(*) FROM followers WHERE snapshot_id = 1 AND rowid < 4000
                       AND position > 600_000),
                      count(*), count(*) FILTER (rank <> expected)
               FROM (SELECT rank, row_number() OVER (ORDER BY position) - 1 AS expected
                     FROM follow_back WHERE snapshot_id = 1)"""
        ).fetchone()
        kept = con.execute(
            """SELECT count(*) FROM followers f WHERE snapshot_id = 1 AND account_id NOT IN
               (SELECT account_id FROM following WHERE snapshot_id = 1)"""
        ).fetchone()
    finally:
        con.close()
    assert unordered > 0  # the rows really are stored out of position order
    assert numbered == kept[0] > 3 * 122_880
    assert wrong == 0


def test_landed_chunks_batch_by_member_in_file_order():
    """A list's chunks are batched per member in the order they landed; a run with another
    wrapper (wrapped and bare records mixed in one re-saved file) stays in its place."""
    from archivelens.archive.layout import DataFile

    one = DataFile("data/follower.js", "follower", 0)
    two = DataFile("data/follower-part1.js", "follower", 1)
    tweets = DataFile("data/tweets.js", "tweets", 0)

    def chunk(file, n, wrapper):
        return staging.Chunk(file, Path(f"{file.kind}-{file.part}-{n:03d}.json"), wrapper, False)

    landed = [
        chunk(one, 0, "follower"),
        chunk(two, 0, "follower"),
        chunk(tweets, 0, "tweet"),
        chunk(one, 1, "follower"),
        chunk(one, 2, None),
        chunk(two, 1, "follower"),
        chunk(tweets, 1, "tweet"),
        chunk(one, 3, "follower"),
    ]
    batches = [[c.path.name for c in batch] for batch in staging._grouped(landed)]
    assert batches == [
        ["follower-0-000.json", "follower-0-001.json"],
        ["follower-0-002.json"],
        ["follower-0-003.json"],
        ["follower-1-000.json", "follower-1-001.json"],
        ["tweets-0-000.json", "tweets-0-001.json"],
    ]
