"""The consultant CSV set: the contract of product.md (names, columns, encoding, guards)."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from archivelens import pipeline
from archivelens.analysis import network
from archivelens.cli import main
from archivelens.export import csvset
from tests.conftest import era_spec

REQUIRED = {
    "summary.csv": ["metric", "value", "explanation"],
    "monthly.csv": [
        "month",
        "tweets",
        "replies_to_others",
        "retweets",
        "quotes",
        "promotional_tweets",
        "conversation_share",
        "promotion_share",
        "distinct_accounts_engaged",
    ],
    "tweets.csv": [
        "tweet_id",
        "created_at",
        "kind",
        "is_promotional",
        "matched_terms",
        "cluster_id",
        "link_domains",
        "source_client",
        "favorite_count",
        "retweet_count",
        "text",
        "tweet_url",
    ],
    "duplicate_blasts.csv": [
        "cluster_id",
        "cluster_kind",
        "cluster_size",
        "is_promotional",
        "tweet_id",
        "created_at",
        "similarity",
        "days_since_previous",
        "text",
        "tweet_url",
    ],
    "not_followed_back.csv": [
        "account_id",
        "screen_name",
        "display_name",
        "profile_url",
        "interactions",
        "replies",
        "mentions",
        "retweets",
        "last_interaction",
        "review_status",
        "note",
    ],
    "not_following_you.csv": [
        "account_id",
        "screen_name",
        "display_name",
        "profile_url",
        "interactions",
        "last_interaction",
    ],
    "conversation_partners.csv": [
        "account_id",
        "screen_name",
        "display_name",
        "replies",
        "mentions",
        "retweets",
        "quotes",
        "first_interaction",
        "last_interaction",
        "follows_you",
        "you_follow",
    ],
    "follower_changes.csv": ["account_id", "change", "screen_name", "from_snapshot", "to_snapshot"],
    "recommendations.csv": ["rank", "rule", "action", "figure", "why", "rows"],
    "engagement.csv": [
        "kind",
        "tweets",
        "likes_per_tweet",
        "retweets_per_tweet",
        "median_likes",
        "median_retweets",
    ],
    "top_tweets.csv": [
        "rank",
        "tweet_id",
        "created_at",
        "kind",
        "is_promotional",
        "favorite_count",
        "retweet_count",
        "text",
        "tweet_url",
    ],
}
SUMMARY_METRICS = [
    "tweets",
    "replies_to_others",
    "self_replies",
    "retweets",
    "quotes",
    "mentions",
    "originals",
    "promotional_tweets",
    "followers",
    "following",
    "mutuals",
    "not_followed_back",
    "not_following_you",
    "duplicate_clusters",
    "tweets_in_duplicate_clusters",
    "sales_blast_clusters",
    "template_clusters",
    "conversation_share",
    "amplification_share",
    "link_share",
    "promotion_share",
    "repetition_share",
    "first_tweet",
    "last_tweet",
]


def read_csv(path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path.name
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.fixture
def exported(make_archive, library, tmp_path):
    spec = era_spec("current", tweets=700, own_links=3)
    path, story, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        first = network.checklist(con, scope).column("account_id").to_pylist()[0]
        network.set_note(con, scope.account_id, first, '=HYPERLINK("http://x") looks fun')
        result = pipeline.export_csv(con, scope, tmp_path / "out")
    return story, result, first


def test_every_file_with_required_columns_first(exported):
    _, result, _ = exported
    assert sorted(p.name for p in result.folder.iterdir()) == sorted([*REQUIRED, "report.html"])
    for name, columns in REQUIRED.items():
        header = (
            read_csv(result.folder / name)[0].keys()
            if result.files[name]
            else next(
                csv.reader(io.StringIO((result.folder / name).read_bytes().decode("utf-8-sig")))
            )
        )
        assert list(header)[: len(columns)] == columns, name


def test_summary_has_every_required_metric(exported):
    story, result, _ = exported
    rows = {r["metric"]: r for r in read_csv(result.folder / "summary.csv")}
    assert set(SUMMARY_METRICS) <= set(rows)
    assert rows["tweets"]["value"] == str(len(story.tweets))
    assert rows["followers"]["value"] == str(len(story.followers))
    assert rows["conversation_share"]["value"].count(".") == 1
    assert len(rows["conversation_share"]["value"].split(".")[1]) == 4
    assert rows["first_tweet"]["value"].endswith("Z") and "T" in rows["first_tweet"]["value"]
    assert all(r["explanation"] for r in rows.values())


def test_tweets_csv_rows_and_formats(exported):
    story, result, _ = exported
    rows = read_csv(result.folder / "tweets.csv")
    assert len(rows) == len(story.tweets)
    truth = {str(t.tweet_id): t for t in story.tweets}
    for row in rows:
        t = truth[row["tweet_id"]]
        assert row["kind"] == t.kind
        text = row["text"][1:] if row["text"].startswith("'@") else row["text"]
        assert text == t.text
        assert row["created_at"] == t.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["is_promotional"] == ("true" if t.promotional else "false")
        assert row["tweet_url"] == f"https://twitter.com/ZimblerMiller/status/{t.tweet_id}"
        int(row["favorite_count"])
    clustered = [r for r in rows if r["cluster_id"]]
    assert len(clustered) == sum(1 for t in story.tweets if t.cluster is not None)


def test_formula_injection_guard(exported):
    _, result, first = exported
    rows = {r["account_id"]: r for r in read_csv(result.folder / "not_followed_back.csv")}
    assert rows[str(first)]["note"] == '\'=HYPERLINK("http://x") looks fun'
    tweets = read_csv(result.folder / "tweets.csv")
    replies = [r for r in tweets if r["kind"] == "reply_to_others"]
    assert replies and all(r["text"].startswith("'@") for r in replies)
    for name in REQUIRED:
        for row in read_csv(result.folder / name) if result.files[name] else []:
            for value in row.values():
                if value and value[0] in "=+-@\t\r":
                    float(value)  # only plain numbers may start that way


def test_round_trip_through_duckdb_reader(exported):
    story, result, _ = exported
    con = duckdb.connect()
    for name in REQUIRED:
        if not result.files[name]:
            continue
        n = con.execute(
            f"SELECT count(*) FROM read_csv('{result.folder / name}', header=true, "
            "all_varchar=true)"
        ).fetchone()[0]
        assert n == result.files[name], name
    texts = dict(
        con.execute(
            f"SELECT tweet_id, text FROM read_csv('{result.folder / 'tweets.csv'}', header=true, "
            "all_varchar=true)"
        ).fetchall()
    )
    sample = story.tweets[5]
    got = texts[str(sample.tweet_id)]
    assert got.removeprefix("'") == sample.text


def test_no_bom_option_and_checklist_order(make_archive, library, tmp_path, capsys):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    assert main(["export", "--db", str(library), "--out", str(tmp_path / "x"), "--no-bom"]) == 0
    raw = (tmp_path / "x" / "tweets.csv").read_bytes()
    assert raw.startswith(b"tweet_id,")
    rows = list(
        csv.DictReader(
            io.StringIO((tmp_path / "x" / "not_followed_back.csv").read_text(encoding="utf-8"))
        )
    )
    with pipeline.open_library(library) as con:
        order = network.checklist(con, pipeline.resolve_scope(con)).column("account_id")
    assert [int(r["account_id"]) for r in rows] == order.to_pylist()


def test_follower_changes_with_two_snapshots(two_snapshots, library, tmp_path):
    with pipeline.open_library(library) as con:
        result = pipeline.export_csv(con, pipeline.resolve_scope(con), tmp_path / "o")
    rows = read_csv(result.folder / "follower_changes.csv")
    assert rows and {r["change"] for r in rows} <= {
        "gained_follower",
        "lost_follower",
        "followed",
        "unfollowed",
    }
    assert rows[0]["from_snapshot"] == "2023-07-02T07:32:42Z"
    assert rows[0]["to_snapshot"] == "2024-03-01T00:00:00Z"


def test_export_into_unwritable_folder_is_one_sentence(exported, tmp_path):
    from archivelens.errors import UserError

    _, result, _ = exported
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with (
        pipeline.open_library(result.folder.parent / "library" / "library.duckdb") as con,
        pytest.raises(UserError),
    ):
        csvset.export(con, pipeline.resolve_scope(con), blocker / "sub")
