"""What each sales phrase marks (the settings dialog's counts) agrees with the classification."""

from __future__ import annotations

from archivelens import pipeline
from archivelens.analysis import promotion


def test_entry_counts_match_the_classification(imported, library):
    story = imported()
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con, None, None, None, None)
        entries = promotion.Lexicon(promotion.default_lexicon_text()).entries
        counts = promotion.entry_counts(con, scope.snapshot_id, [*entries, "re:(broken"])
        assert counts["re:(broken"] is None  # a pattern that does not compile counts nothing
        # A phrase's count is the tweets whose stored matches include it.
        matched = con.execute(
            """SELECT term, count(*) FROM promotion, unnest(matched_terms) AS m(term)
               WHERE snapshot_id = ? GROUP BY term""",
            [scope.snapshot_id],
        ).fetchall()
        assert matched  # the generated archive has sales tweets
        for term, n in matched:
            if term in counts:
                assert counts[term] == n, term
        assert sum(counts[e] or 0 for e in entries) >= sum(n for _t, n in matched)
        own = [t.text.lower() for t in story.tweets if t.kind != "retweet"]
        assert counts["buy now"] == sum("buy now" in text for text in own)
