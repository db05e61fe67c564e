"""Precision on ordinary accounts and recall on sales accounts, from generated archives with
known truth: what ``tests/test_precision.py`` pins and ``bench/precision_bench.py`` reports.

An *ordinary* account never sells: its photos, media-only posts, one-word replies in several
languages, canned thank-yous and everyday sentences ("an order of magnitude", "went to the
store") must give (almost) no promotion and no repetition. A *sales* account re-sends its
catalogue: every re-sent sales message must land in a sales blast.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any

from archivelens import pipeline
from archivelens.analysis import duplicates, textnorm
from archivelens.analysis.report import build
from testkit.archivegen import Spec, Story, build_story, write_archive
from testkit.archivegen.content import ALL_EDITS
from testkit.archivegen.specs import era_spec


def ordinary_spec(seed: int, tweets: int = 3000, era: str = "current") -> Spec:
    """A personal or developer account with no sales at all, shaped like real ones."""
    return era_spec(
        era,
        seed=seed,
        tweets=tweets,
        people=max(40, tweets // 25),
        blast_clusters=0,
        thanks_replies=6,
        photos=tweets // 20,
        media_only=tweets // 15,
        short_replies=tweets // 12,
        everyday=tweets // 30,
        repeat_mentions=tweets // 100,
        notes=4,
    )


def burst_spec(**changes: Any) -> Spec:
    """The real shape of issue 20: 325 of 335 tweets in the last 17 days after three years of
    silence, nearly all "Hi" / "Interested" / "Let's connect" to a different account each."""
    spec = replace(
        ordinary_spec(41, tweets=335),
        followers=60,
        following=200,
        mutuals=60,
        people=300,
        burst=325,
        canned_outreach=290,
    )
    return replace(spec, **changes)


def sales_spec(
    seed: int, tweets: int = 3000, era: str = "current", blasts: int = 50, size: int = 24
) -> Spec:
    """An account that re-sends its catalogue, with the same everyday noise around it: each
    message *size* times, the re-sends edited in every way real ones are (issue 22)."""
    return replace(
        ordinary_spec(seed, tweets, era),
        blast_clusters=blasts,
        blast_size=size,
        blast_edits=ALL_EDITS,
    )


@dataclass
class Evaluation:
    tweets: int
    promotion_share: float
    repetition_share: float
    sales_blasts: int
    template_messages: int
    clusters_without_a_message: int
    blast_recall: float | None  # true sales-blast tweets found in sales blasts (sales accounts)
    pair_precision: float | None  # listed same-cluster pairs that are one true message
    true_blasts: int  # re-sent sales messages the archive holds
    largest_blast: int  # the biggest sales blast found


def evaluate(spec: Spec, workdir: Path, era: str = "current") -> Evaluation:
    story = build_story(spec)
    archive = write_archive(story, era, workdir / f"account-{spec.seed}-{era}.zip").path
    library = workdir / f"library-{spec.seed}-{era}.duckdb"
    pipeline.import_archive(archive, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        rep = build(con, scope)
        members = duplicates.members(con, scope).to_pylist()
        clusters = duplicates.clusters(con, scope).to_pylist()
    import pyarrow as pa

    texts = [c["representative"] for c in clusters]
    normalized = textnorm.normalize_all(pa.array(texts, pa.large_string()))
    no_message = sum(not m for m in textnorm.is_message(normalized).to_pylist())
    truth = {t.tweet_id for t in story.tweets if t.cluster is not None and t.promotional}
    found = {m["tweet_id"] for m in members if m["cluster_kind"] == "sales_blast"}
    return Evaluation(
        tweets=rep.value("tweets"),
        promotion_share=rep.value("promotion_share") or 0.0,
        repetition_share=rep.value("repetition_share") or 0.0,
        sales_blasts=rep.value("sales_blast_clusters"),
        template_messages=rep.value("template_clusters"),
        clusters_without_a_message=no_message,
        blast_recall=len(truth & found) / len(truth) if truth else None,
        pair_precision=_pair_precision(story, members),
        true_blasts=spec.blast_clusters,
        largest_blast=max(
            (c["size"] for c in clusters if c["cluster_kind"] == "sales_blast"), default=0
        ),
    )


def _pair_precision(story: Story, members: list[dict]) -> float | None:
    """Share of the listed same-cluster pairs whose two tweets are one true message."""
    truth = {t.tweet_id: t.cluster for t in story.tweets if t.cluster is not None}
    by_cluster: dict[int, list[int]] = {}
    for m in members:
        by_cluster.setdefault(m["cluster_id"], []).append(m["tweet_id"])
    pairs = [p for ids in by_cluster.values() for p in combinations(ids, 2)]
    if not pairs:
        return None
    right = sum(truth.get(a) is not None and truth.get(a) == truth.get(b) for a, b in pairs)
    return right / len(pairs)
