"""Relationship metrics, checklist, snapshots and promotion against the generator's ground truth."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime

import pytest

from archivelens import pipeline
from archivelens.analysis import changes, metrics, network, promotion, report
from archivelens.analysis.bands import bands
from testkit.archivegen.content import OWN_DOMAIN, SCHEDULERS
from tests.conftest import era_spec

TWITTER = ("twitter.com", "x.com")


def domain(url: str) -> str:
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].lower()
    return host.removeprefix("www.")


def expected(story, start: datetime | None = None, end: datetime | None = None) -> dict:
    """Every summary figure, computed from the story itself (metrics.md definitions)."""
    tweets = [
        t
        for t in story.tweets
        if (start is None or t.created_at >= start) and (end is None or t.created_at < end)
    ]
    own = [t for t in tweets if t.kind != "retweet"]
    kinds = Counter(t.kind for t in tweets)
    replies = Counter(t.reply_to.account_id for t in tweets if t.kind == "reply_to_others")
    links = [domain(u) for t in own for u in t.urls if domain(u) not in TWITTER]
    return {
        "tweets": len(tweets),
        **{k: kinds.get(k, 0) for k in ("retweet", "quote", "mention", "original")},
        "replies_to_others": kinds.get("reply_to_others", 0),
        "self_replies": kinds.get("self_reply", 0),
        "promotional_tweets": sum(t.promotional for t in own),
        "accounts_replied_to": len(replies),
        "recurring_partners": sum(1 for n in replies.values() if n >= 3),
        "accounts_amplified": len(
            {
                (t.retweeted.handle if t.kind == "retweet" else t.quoted[0]).lower()
                for t in tweets
                if t.kind in ("retweet", "quote")
            }
        ),
        "link_tweets": sum(1 for t in own if any(domain(u) not in TWITTER for u in t.urls)),
        "own_tweets": len(own),
        "links": len(links),
        "own_links": sum(1 for d in links if d == OWN_DOMAIN),
        "scheduled_tweets": sum(1 for t in tweets if t.source in SCHEDULERS),
        "likes_on_originals": sum(t.favorite_count for t in tweets if t.kind == "original"),
    }


@pytest.fixture
def imported(make_archive, library):
    spec = era_spec("current", tweets=900, own_links=7, blast_clusters=5, blast_size=6)
    path, story, _ = make_archive("current", spec=spec)
    result = pipeline.import_archive(path, library)
    return story, result


def test_summary_matches_truth(imported, library):
    story, _ = imported
    with pipeline.open_library(library) as con:
        s = metrics.summarize(con, pipeline.resolve_scope(con))
    truth = expected(story)
    for key in (
        "tweets",
        "replies_to_others",
        "self_replies",
        "promotional_tweets",
        "accounts_replied_to",
        "recurring_partners",
        "accounts_amplified",
        "link_tweets",
        "own_tweets",
        "links",
        "own_links",
        "scheduled_tweets",
    ):
        assert s[key] == truth[key], key
    for kind in ("retweet", "quote", "mention", "original"):
        assert s[kind + "s"] == truth[kind]
    assert s["likes_on_originals"] == truth["likes_on_originals"]
    assert s["conversation_share"] == pytest.approx(truth["replies_to_others"] / truth["tweets"])
    assert s["amplification_share"] == pytest.approx(
        (truth["retweet"] + truth["quote"]) / truth["tweets"]
    )
    assert s["promotion_share"] == pytest.approx(truth["promotional_tweets"] / truth["own_tweets"])
    assert s["link_share"] == pytest.approx(truth["link_tweets"] / truth["own_tweets"])
    assert s["own_domain_share"] == pytest.approx(truth["own_links"] / truth["links"])
    assert s["curation_share"] == pytest.approx(1 - truth["own_links"] / truth["links"])
    assert s["followers"] == len(story.followers)
    assert s["mutuals"] == story.mutuals
    assert s["follow_back_share"] == pytest.approx(story.mutuals / len(story.followers))
    assert s.own_domains == [OWN_DOMAIN] and s.own_domains_suggested


def test_date_range_filters_every_figure(imported, library):
    story, _ = imported
    start, end = datetime(2018, 3, 1), datetime(2020, 7, 1)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con, date_from="2018-03-01", date_to="2020-06-30")
        s = metrics.summarize(con, scope)
    truth = expected(story, start, end)
    for key in (
        "tweets",
        "replies_to_others",
        "promotional_tweets",
        "accounts_replied_to",
        "links",
        "own_links",
    ):
        assert s[key] == truth[key], key
    assert s["first_tweet"] >= start and s["last_tweet"] < end


def test_monthly_series(imported, library):
    story, _ = imported
    with pipeline.open_library(library) as con:
        rows = metrics.monthly(con, pipeline.resolve_scope(con))
    by_month = Counter(t.created_at.strftime("%Y-%m") for t in story.tweets)
    replies = Counter(
        t.created_at.strftime("%Y-%m") for t in story.tweets if t.kind == "reply_to_others"
    )
    assert {r["month"]: r["tweets"] for r in rows} == dict(by_month)
    assert {r["month"]: r["replies_to_others"] for r in rows if r["replies_to_others"]} == dict(
        replies
    )
    assert sum(r["promotional_tweets"] for r in rows) == expected(story)["promotional_tweets"]
    assert [r["month"] for r in rows] == sorted(by_month)


def test_bands_are_positioned_and_explained(imported, library):
    with pipeline.open_library(library) as con:
        s = metrics.summarize(con, pipeline.resolve_scope(con))
    result = bands(s)
    assert [b.name for b in result] == ["80/20", "Rule of thirds", "4-1-1", "5-3-2"]
    assert result[0].within is (s["promotion_share"] <= 0.2)
    assert all(b.explanation and b.position for b in result)


def _truth_checklist(story) -> list[int]:
    """Followers not followed back, ordered by interactions then archive position."""
    named = story.named_people()
    owner = story.owner.account_id
    count: Counter[int] = Counter()
    for t in story.tweets:
        if t.unknown_reply_id:
            continue  # the archive names this reply's target only as "-1"
        if t.kind == "reply_to_others":
            count[t.reply_to.account_id] += 1
        if t.kind == "retweet":
            count[t.retweeted.account_id] += 1
            continue
        target = t.reply_to.account_id if t.reply_to else None
        for p in t.mentions:
            if p.account_id not in (target, owner):
                count[p.account_id] += 1
        if t.kind == "quote":
            ids = [a for a, (h, _) in named.items() if h.lower() == t.quoted[0].lower()]
            if ids:
                count[ids[0]] += 1
    following = set(story.following)
    rows = [(a, pos) for pos, a in enumerate(story.followers) if a not in following]
    rows.sort(key=lambda r: (-count[r[0]], r[1]))
    return [a for a, _ in rows], count


def test_checklist_order_and_enrichment(imported, library):
    story, _ = imported
    with pipeline.open_library(library) as con:
        table = network.checklist(con, pipeline.resolve_scope(con))
    order, count = _truth_checklist(story)
    assert table.column("account_id").to_pylist() == order
    named = story.named_people()
    for row in table.to_pylist():
        assert row["interactions"] == count[row["account_id"]]
        if row["account_id"] in named:
            assert row["screen_name"] == named[row["account_id"]][0]
        else:
            assert row["screen_name"] is None
        assert row["profile_url"].endswith(f"user_id={row['account_id']}")
        assert row["review_status"] == "to_review"
    assert table.column("interactions").to_pylist()[0] > 0


def test_checklist_browser_filters_pages_and_counts(imported, library):
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        full = network.checklist(con, scope)
        ids = full.column("account_id").to_pylist()
        browser = network.ChecklistBrowser(con, scope)
        assert browser.total == browser.filter() == len(ids)
        assert browser.page(0, len(ids) + 10).to_pylist() == full.to_pylist()
        assert browser.page(10, 5).column("account_id").to_pylist() == ids[10:15]
        first = ids[0]
        network.set_review_status(con, scope.account_id, first, "follow_back")
        network.set_review_status(con, scope.account_id, ids[1], "to_review")
        assert browser.reviewed() == 1
        assert browser.filter(status="follow_back") == 1
        assert browser.page(0, 10).column("account_id").to_pylist() == [first]
        assert browser.filter(status="to_review") == len(ids) - 1
        found = browser.filter(search=str(first)[:6])
        assert first in browser.page(0, found).column("account_id").to_pylist()
        found = network.checklist(con, scope, search=str(first)[:6])
        assert first in found.column("account_id").to_pylist()


@pytest.mark.parametrize("limit", [1, 7, 64])
def test_checklist_browser_pages_are_the_checklist_at_every_offset(make_archive, library, limit):
    """The browser never sorts the whole list (the talked-with head, then the rest by their
    number in archive order): every page, straddling the head or not, in the whole history or a
    year of it, and each filter, is the checklist the CSV set writes."""
    spec = era_spec("current", followers=300, following=120, mutuals=40)
    pipeline.import_archive(make_archive("current", spec=spec)[0], library)
    with pipeline.open_library(library) as con:
        whole = pipeline.resolve_scope(con)
        for scope in (whole, whole.with_dates(date(2022, 1, 1), date(2022, 12, 31))):
            full = network.checklist(con, scope).to_pylist()
            talked = sum(1 for r in full if r["interactions"])
            assert 0 < talked < len(full) - limit
            browser = network.ChecklistBrowser(con, scope)
            assert browser.filter() == browser.total == len(full)
            for offset in sorted({*range(0, len(full), limit), talked - 1, talked, talked + 1}):
                assert browser.page(offset, limit).to_pylist() == full[offset : offset + limit]
            assert browser.filter(talked=True) == talked
            assert browser.page(0, len(full)).to_pylist() == full[:talked]
            digits = str(full[-1]["account_id"])[:4]  # an id's digits: head and tail both match
            found = network.checklist(con, scope, search=digits).to_pylist()
            assert browser.filter(search=digits) == len(found) > 1
            assert browser.page(0, len(full)).to_pylist() == found
            unnamed = sum(1 for r in full if r["screen_name"] is None)
            assert browser.unknown_handles() == unnamed


def test_review_status_and_notes_survive_reimport_and_newer_snapshot(make_archive, library):
    spec = era_spec("current")
    old, _, _ = make_archive("current", spec=spec)
    pipeline.import_archive(old, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        ids = network.checklist(con, scope).column("account_id").to_pylist()
        network.set_review_status(con, scope.account_id, ids[0], "not_for_me")
        network.set_note(con, scope.account_id, ids[1], "Bakery in Porto — check bio")
    pipeline.import_archive(old, library)  # re-import: nothing changes
    newer = replace(spec, generated_at=datetime(2024, 2, 1, 9, 0, 0))
    new_path, _, _ = make_archive("current", spec=newer)
    pipeline.import_archive(new_path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        assert scope.generated_at == newer.generated_at
        rows = {r["account_id"]: r for r in network.checklist(con, scope).to_pylist()}
    assert rows[ids[0]]["review_status"] == "not_for_me"
    assert rows[ids[1]]["note"] == "Bakery in Porto — check bio"
    assert rows[ids[1]]["note_at"] is not None


def test_reverse_list_and_partners(imported, library):
    story, _ = imported
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        reverse = network.not_following_you(con, scope).column("account_id").to_pylist()
        partners = network.conversation_partners(con, scope).to_pylist()
    assert set(reverse) == set(story.following) - set(story.followers)
    _, count = _truth_checklist(story)
    assert {p["account_id"]: p["interactions"] for p in partners} == {
        a: n for a, n in count.items() if n
    }
    followers = set(story.followers)
    assert all(p["follows_you"] == (p["account_id"] in followers) for p in partners)


def test_snapshot_changes(make_archive, library):
    spec = era_spec("current", followers=120, following=60, mutuals=30)
    old_path, old, _ = make_archive("current", spec=spec)
    newer = replace(
        spec,
        followers=140,
        following=50,
        mutuals=25,
        seed=spec.seed + 1,
        generated_at=datetime(2024, 1, 1),
    )
    new_path, new, _ = make_archive("current", spec=newer)
    pipeline.import_archive(old_path, library)
    pipeline.import_archive(new_path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        pair = changes.newest_pair(con, scope.account_id)
        table = changes.diff(con, *pair)
    got = Counter(table.column("change").to_pylist())
    assert got["gained_follower"] == len(set(new.followers) - set(old.followers))
    assert got["lost_follower"] == len(set(old.followers) - set(new.followers))
    assert got["followed"] == len(set(new.following) - set(old.following))
    assert got["unfollowed"] == len(set(old.following) - set(new.following))


def test_override_wins_and_survives_a_newer_snapshot(make_archive, library):
    spec = era_spec("current")
    path, story, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    plain = next(t for t in story.tweets if t.kind == "original" and not t.promotional)
    blast = next(t for t in story.tweets if t.promotional and t.cluster is not None)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        before = metrics.summarize(con, scope)["promotional_tweets"]
        promotion.set_overrides(con, scope.account_id, [plain.tweet_id], True)
        promotion.set_overrides(con, scope.account_id, [blast.tweet_id], False)
        promotion.set_overrides(con, scope.account_id, [blast.tweet_id], False)  # idempotent
        assert metrics.summarize(con, scope)["promotional_tweets"] == before
    newer, _, _ = make_archive("current", spec=replace(spec, generated_at=datetime(2024, 5, 1)))
    pipeline.import_archive(newer, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        verdicts = dict(
            con.execute(
                f"WITH t AS ({promotion.SCOPED_TWEETS}) SELECT tweet_id, promotional FROM t "
                "WHERE tweet_id IN ($a, $b)",
                {**scope.params(), "a": plain.tweet_id, "b": blast.tweet_id},
            ).fetchall()
        )
    assert verdicts == {plain.tweet_id: True, blast.tweet_id: False}


def test_lexicon_edit_reclassifies(imported, library):
    from archivelens.errors import NotPrepared

    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        promotion.set_own_domains(con, scope.account_id, [])  # lexicon only
        with pytest.raises(NotPrepared):  # reading never classifies: a scope is prepared first
            metrics.summarize(con, scope)
        pipeline.prepare(con, scope)
        base = metrics.summarize(con, scope)["promotional_tweets"]
        promotion.save_lexicon(con, "coffee\nmorning\n")
        pipeline.prepare(con, scope)
        edited = metrics.summarize(con, scope)["promotional_tweets"]
        promotion.reset_lexicon(con)
        pipeline.prepare(con, scope)
        restored = metrics.summarize(con, scope)["promotional_tweets"]
    assert edited != base and restored == base


def test_bad_lexicon_pattern_is_refused(imported, library):
    from archivelens.errors import UserError

    with pipeline.open_library(library) as con, pytest.raises(UserError):
        promotion.save_lexicon(con, "re:(unclosed\n")


def test_settings_apply_all_or_nothing(imported, library):
    from archivelens.analysis import duplicates
    from archivelens.errors import Cancelled, UserError
    from archivelens.progress import CancelToken

    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        before = pipeline.analysis_settings(con, scope.account_id)
        assert before == pipeline.AnalysisSettings(None, None, duplicates.DEFAULT_THRESHOLD)
        mine = pipeline.AnalysisSettings("coffee\n", ["example.org"], 92.0)
        pipeline.apply_analysis_settings(con, scope, mine)
        assert pipeline.analysis_settings(con, scope.account_id) == mine
        assert duplicates.is_current(con, scope.snapshot_id)  # recomputed, not left stale
        promo = con.execute(
            "SELECT count(*) FROM promotion WHERE snapshot_id = ? AND len(matched_terms) > 0 "
            "AND list_filter(matched_terms, lambda m: m <> 'coffee') = []",
            [scope.snapshot_id],
        ).fetchone()[0]
        assert promo > 0
        cancelled = CancelToken()
        cancelled.cancel()
        with pytest.raises(Cancelled):
            pipeline.apply_analysis_settings(
                con, scope, replace(mine, threshold=70.0), None, cancelled
            )
        with pytest.raises(UserError):
            pipeline.apply_analysis_settings(con, scope, replace(mine, lexicon="re:(bad\n"))
        assert pipeline.analysis_settings(con, scope.account_id) == mine
        pipeline.apply_analysis_settings(con, scope, before)
        assert pipeline.analysis_settings(con, scope.account_id) == before


def test_matched_terms_are_kept(imported, library):
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        metrics.summarize(con, scope)
        rows = con.execute(
            "SELECT t.text, p.matched_terms FROM promotion p JOIN tweets t USING "
            "(snapshot_id, tweet_id) WHERE len(p.matched_terms) > 0"
        ).fetchall()
    assert rows
    for text, terms in rows:
        for term in terms:
            assert term.lower() in text.lower()


def test_report_json_shape(imported, library):
    with pipeline.open_library(library) as con:
        rep = report.build(con, pipeline.resolve_scope(con))
        data = report.as_dict(rep)
    assert data["account"] == "ZimblerMiller"
    assert data["metrics"]["tweets"] == 900
    assert len(data["bands"]) == 4 and data["cannot_measure"]
    assert set(data["metrics"]) == set(data["explanations"])


def test_scope_choices(make_archive, library):
    from archivelens.errors import UserError

    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        assert pipeline.resolve_scope(con, account="@zimblermiller").screen_name == "ZimblerMiller"
        assert pipeline.resolve_scope(con, snapshot="2023-07-02").generated_at.date() == date(
            2023, 7, 2
        )
        with pytest.raises(UserError):
            pipeline.resolve_scope(con, account="nobody")
        with pytest.raises(UserError):
            pipeline.resolve_scope(con, date_from="2020-13-01")
        with pytest.raises(UserError):
            pipeline.resolve_scope(con, date_from="2021-01-01", date_to="2020-01-01")


def test_a_sorted_temp_table_keeps_its_order_in_rowid(tmp_path):
    """The browsers page by ``rowid`` over ``CREATE TEMP TABLE … ORDER BY``: DuckDB must keep
    that order across row groups (122,880 rows each) and threads. A DuckDB release that stopped
    doing so would scramble every page; this says so first."""
    from pathlib import Path

    from archivelens.store.library import connect

    con = connect(Path(tmp_path) / "library.duckdb")
    con.execute("SET threads = 4")
    con.execute(
        "CREATE TEMP TABLE shuffled AS SELECT i, hash(i) % 1000003 AS key FROM range(400000) t(i)"
    )
    con.execute("CREATE TEMP TABLE sorted AS SELECT * FROM shuffled ORDER BY key DESC, i")
    got = con.execute(
        "SELECT i FROM sorted WHERE rowid >= 250000 AND rowid < 250300 ORDER BY rowid"
    ).fetchall()
    want = con.execute(
        "SELECT i FROM shuffled ORDER BY key DESC, i LIMIT 300 OFFSET 250000"
    ).fetchall()
    assert got == want
    con.close()
