"""Where an account sits against the common content-mix rules — context, not pass/fail.

The rules disagree with each other (``metrics.md``), so each is shown with the account's own
numbers and one line that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass

from archivelens.analysis.metrics import Summary
from archivelens.words import percent, plural


@dataclass(frozen=True)
class Band:
    name: str
    position: str  # the account's numbers in the rule's terms
    within: bool | None  # None when there is too little to judge
    explanation: str


def _pct(x: float | None) -> str:
    """As the Overview's cards say it: a share that is not zero never reads "0%"."""
    return percent(x)


def bands(s: Summary) -> list[Band]:
    v = s.values
    tweets = v["tweets"]
    if not tweets:
        held = s.snapshot is None or s.snapshot.tweets_file
        empty = "No tweets in this period." if held else "No tweets file in this archive."
        return [Band(n, "–", None, empty) for n in ("80/20", "Rule of thirds", "4-1-1", "5-3-2")]
    promo = v["promotional_tweets"]
    curated = v["retweets"] + v["quotes"] + _curated_links(s)
    personal = v["replies_to_others"] + v["mentions"]
    own_content = max(tweets - curated - personal - promo, 0)
    return [
        _eighty_twenty(v["promotion_share"]),
        _thirds(promo / tweets, curated / tweets, personal / tweets),
        _four_one_one(promo, v["retweets"], v["quotes"] + _curated_links(s)),
        _five_three_two(curated / tweets, (own_content + promo) / tweets, personal / tweets),
    ]


def four_one_one_ratios(s: Summary) -> tuple[float, float] | None:
    """(retweets, shares of others' content) per promotional tweet; None without promotion."""
    promo = s["promotional_tweets"]
    if not promo:
        return None
    return s["retweets"] / promo, (s["quotes"] + _curated_links(s)) / promo


def _curated_links(s: Summary) -> int:
    """Own tweets sharing someone else's link (not promotional): curation, in the rules' terms."""
    links, own = s["links"], s["own_links"]
    if not links:
        return 0
    return min(s["link_tweets"], round(s["link_tweets"] * (links - own) / links))


def _eighty_twenty(promotion_share: float | None) -> Band:
    within = None if promotion_share is None else promotion_share <= 0.20
    return Band(
        "80/20",
        f"{_pct(promotion_share)} promotional",
        within,
        f"{_pct(promotion_share)} of your own tweets promote something; the 80/20 rule keeps "
        "promotion to at most a fifth and gives the rest to useful content and conversation.",
    )


def _thirds(promo: float, sharing: float, personal: float) -> Band:
    near = all(abs(x - 1 / 3) <= 0.10 for x in (promo, sharing, personal))
    return Band(
        "Rule of thirds",
        f"{_pct(promo)} promotion · {_pct(sharing)} sharing others · {_pct(personal)} talking",
        near,
        "A third promoting, a third sharing others' ideas, a third personal interaction; "
        "each of yours within 10 points of a third counts as within.",
    )


def _four_one_one(promo: int, retweets: int, shares: int) -> Band:
    if not promo:
        return Band(
            "4-1-1",
            "no promotional tweets",
            True,
            "For every self-promotional tweet, one retweet and four shares of others' "
            "content; with no promotion there is nothing to balance.",
        )
    rt, sh = retweets / promo, shares / promo
    return Band(
        "4-1-1",
        f"per promotional tweet: {plural(rt, 'retweet')}, {plural(sh, 'share')}",
        rt >= 1 and sh >= 4,
        "For every self-promotional tweet, one retweet and four shares of others' content.",
    )


def _five_three_two(curated: float, own: float, personal: float) -> Band:
    c, o, p = (round(x * 10, 1) for x in (curated, own, personal))
    near = abs(c - 5) <= 1.5 and abs(o - 3) <= 1.5 and abs(p - 2) <= 1.5
    return Band(
        "5-3-2",
        f"of 10 tweets: {c:g} curated · {o:g} your own · {p:g} personal",
        near,
        "Of every 10 tweets, 5 curated from others, 3 your own content, 2 personal; "
        "each within 1.5 of its target counts as within.",
    )
