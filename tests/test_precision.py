"""Ordinary accounts stay near zero; sales accounts' blasts are all found (testkit/precision.py)."""

from __future__ import annotations

import pytest

from testkit.archivegen.content import ALL_EDITS
from testkit.precision import evaluate, ordinary_spec, sales_spec


@pytest.mark.parametrize(("seed", "era"), [(101, "current"), (202, "classic")])
def test_ordinary_accounts_show_no_sales_and_no_repetition(seed, era, tmp_path):
    result = evaluate(ordinary_spec(seed, tweets=2500, era=era), tmp_path, era)
    assert result.clusters_without_a_message == 0
    assert result.promotion_share <= 0.01, result
    assert result.repetition_share <= 0.01, result
    assert result.sales_blasts == 0, result
    assert result.template_messages <= 1, result  # the canned thank-you, nothing merged into it
    assert result.pair_precision in (None, 1.0), result


@pytest.mark.parametrize("era", ["current", "2018-2020"])
def test_sales_accounts_blasts_are_found_whole(era, tmp_path):
    """Issue 22: every way a blast is re-sent (content.ALL_EDITS) stays in one cluster."""
    spec = sales_spec(303, tweets=2500, era=era, blasts=20, size=len(ALL_EDITS))
    result = evaluate(spec, tmp_path, era)
    assert result.clusters_without_a_message == 0
    assert result.blast_recall is not None and result.blast_recall >= 0.98, result
    assert result.pair_precision is not None and result.pair_precision >= 0.99, result
    assert result.sales_blasts == 20, result
    assert result.largest_blast == len(ALL_EDITS), result


def test_own_domain_suggestion_needs_three_sales_tweets_and_is_never_a_platform(imported, library):
    from archivelens import pipeline
    from archivelens.analysis import promotion
    from tests.conftest import era_spec

    imported("current", spec=era_spec("current", blast_clusters=3))
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        assert promotion.suggested_own_domains(con, scope.snapshot_id) == ["zimblerbooks.com"]
        promo = """tweet_id IN (SELECT tweet_id FROM promotion
                                 WHERE snapshot_id = $s AND len(matched_terms) > 0)"""
        # Every sales tweet links to Wikipedia instead: a platform, never "your own site".
        con.execute(
            f"UPDATE tweets SET domains = ['en.wikipedia.org'] WHERE snapshot_id = $s AND {promo}",
            {"s": scope.snapshot_id},
        )
        assert promotion.suggested_own_domains(con, scope.snapshot_id) == []
        # Two sales tweets to a shop are not enough; three are.
        ids = [
            r[0]
            for r in con.execute(
                f"SELECT tweet_id FROM tweets WHERE snapshot_id = $s AND {promo} LIMIT 3",
                {"s": scope.snapshot_id},
            ).fetchall()
        ]
        for n, tweet_id in enumerate(ids, start=1):
            con.execute(
                "UPDATE tweets SET domains = ['myshop.example'] WHERE tweet_id = ?", [tweet_id]
            )
            expected = ["myshop.example"] if n >= 3 else []
            assert promotion.suggested_own_domains(con, scope.snapshot_id) == expected
