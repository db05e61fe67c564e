"""Draw a whole account (owner, people, tweets, lists) from a :class:`Spec`, with its truth."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from testkit.archivegen.content import (
    CANNED,
    CLASSIC_EDITS,
    CLIENTS,
    EVERYDAY,
    JOKE,
    JOKE_PAIRS,
    OTHER_DOMAINS,
    OWN_DOMAIN,
    SCHEDULERS,
    SHORT_REPLIES,
    THANKS,
    Person,
    Tweet,
    blast_message,
    blast_variant,
    neutral_text,
    snowflake,
    tco,
    words,
)

KINDS = ("reply_to_others", "self_reply", "retweet", "quote", "mention", "original")


@dataclass
class Spec:
    seed: int = 7
    tweets: int = 400
    followers: int = 150
    following: int = 90
    mutuals: int = 50
    people: int = 80
    blocks: int = 4
    mutes: int = 3
    likes: int = 60
    edited: int = 6  # tweets that have earlier edit versions (2022+ archives only)
    notes: int = 3  # long posts completed from note-tweet.js (2023+ archives only)
    blast_clusters: int = 4  # ground-truth duplicate sales blasts
    blast_size: int = 5
    blast_edits: tuple[str, ...] = CLASSIC_EDITS  # how re-sends differ (content.ALL_EDITS)
    thanks_replies: int = 4  # identical thank-you replies to different people
    own_links: int = 0  # plain originals linking to the owner's own domain (promotional too)
    photos: int = 0  # originals with a photo: its t.co link ends the text
    media_only: int = 0  # posts that are only a photo: the text is just its t.co link
    repeat_mentions: int = 0  # mentions whose user_mentions name one account twice
    short_replies: int = 0  # replies that are one short word ("xD", "Hi", "ありがとう" …)
    everyday: int = 0  # originals using words a naive sales lexicon trips on (EVERYDAY)
    scheduled: float = 0.0  # share of ordinary tweets sent from a scheduling tool
    quiet_last_year: bool = False  # no replies to others in the last 12 months before `end`
    # A burst (issue 20): the last `burst` tweets all go out in the final `burst_days` days,
    # after `burst_silence_days` without a tweet.
    burst: int = 0
    burst_days: int = 17
    burst_silence_days: int = 3 * 365
    canned_outreach: int = 0  # the latest tweets become "Hi"/"Interested" replies, one a person
    corrections: int = 0  # originals first sent with a typo, re-posted fixed 40 seconds later
    lookalike_jokes: bool = False  # two different jokes that read alike (88 %), days apart
    # account-timezone.js's zone (a Rails name; real archives of 2018 on have one), or none.
    time_zone: str | None = None
    engagement: bool = False  # realistic like/retweet counts per kind (ENGAGEMENT)
    start: datetime = datetime(2016, 1, 1)
    end: datetime = datetime(2023, 6, 30)
    generated_at: datetime = datetime(2023, 7, 2, 7, 32, 42)
    owner_id: int = 3_141_592_653
    owner_handle: str = "ZimblerMiller"
    owner_name: str = "Zimbler Miller 📚"
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "reply_to_others": 0.25,
            "self_reply": 0.08,
            "retweet": 0.2,
            "quote": 0.05,
            "mention": 0.1,
            "original": 0.32,
        }
    )


@dataclass
class Story:
    spec: Spec
    owner: Person
    people: list[Person]
    tweets: list[Tweet]
    followers: list[int]
    following: list[int]
    blocks: list[int]
    mutes: list[int]
    likes: list[int]

    # -- ground truth -------------------------------------------------------------------------

    def kind_counts(self) -> dict[str, int]:
        counts = Counter(t.kind for t in self.tweets)
        return {k: counts.get(k, 0) for k in KINDS}

    @property
    def mutuals(self) -> int:
        return len(set(self.followers) & set(self.following))

    def named_people(self) -> dict[int, tuple[str, str | None]]:
        """Accounts the tweets name, with the handle and display name they reveal."""
        out: dict[int, tuple[str, str | None]] = {}
        for t in self.tweets:
            for p in t.mentions:
                out[p.account_id] = (p.handle, p.name)
            if t.reply_to is not None and not t.unknown_reply_id and not t.reply_to_self:
                out.setdefault(t.reply_to.account_id, (t.reply_to.handle, None))
        return out


def build_story(spec: Spec) -> Story:
    rng = random.Random(spec.seed)
    owner = Person(spec.owner_id, spec.owner_handle, spec.owner_name)
    people = [
        Person(
            10_000_000 + i * 7919 + rng.randint(0, 7000),
            f"user_{i}_{rng.randint(1000, 9999)}",
            f"Person {i} {rng.choice(['Chen', 'Okafor', 'García', 'Müller', 'Kowalski'])}",
        )
        for i in range(spec.people)
    ]
    followers, following = _lists(rng, spec, people)
    tweets = _tweets(rng, spec, owner, people)
    pool = [rng.randint(10**17, 10**18) for _ in range(spec.blocks + spec.mutes)]
    return Story(
        spec=spec,
        owner=owner,
        people=people,
        tweets=tweets,
        followers=followers,
        following=following,
        blocks=pool[: spec.blocks],
        mutes=pool[spec.blocks :],
        likes=[snowflake(spec.start + timedelta(days=i % 900), 900 + i) for i in range(spec.likes)],
    )


def _lists(rng: random.Random, spec: Spec, people: list[Person]) -> tuple[list[int], list[int]]:
    """Followers and following with exactly ``spec.mutuals`` accounts in both."""
    assert spec.mutuals <= min(spec.followers, spec.following)
    known = [p.account_id for p in people]
    rng.shuffle(known)
    n_unknown = spec.followers + spec.following
    unknown = rng.sample(range(2 * 10**9, 2 * 10**9 + 50 * n_unknown + 100), n_unknown)
    # Half of the people the owner talks to follow them; the rest of each list is strangers.
    talked = known[: min(len(known), spec.followers // 3)]
    mutual = (talked[: spec.mutuals // 2] + unknown[: spec.mutuals])[: spec.mutuals]
    f_only = [a for a in talked if a not in mutual][: spec.followers - spec.mutuals]
    rest_unknown = iter(unknown[spec.mutuals :])
    while len(f_only) < spec.followers - spec.mutuals:
        f_only.append(next(rest_unknown))
    g_only = [next(rest_unknown) for _ in range(spec.following - spec.mutuals)]
    followers = mutual + f_only
    following = mutual + g_only
    rng.shuffle(followers)
    rng.shuffle(following)
    return followers, following


def _times(rng: random.Random, spec: Spec, n: int) -> list[datetime]:
    if spec.burst:
        burst_start = spec.end - timedelta(days=spec.burst_days)
        quiet_from = burst_start - timedelta(days=spec.burst_silence_days)
        before = _spread(rng, spec.start, quiet_from, n - spec.burst)
        return before + _spread(rng, burst_start, spec.end, spec.burst)
    return _spread(rng, spec.start, spec.end, n)


def _spread(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    span = int((end - start).total_seconds())
    secs = sorted(rng.sample(range(span), n))
    return [start + timedelta(seconds=s) for s in secs]


def _tweets(rng: random.Random, spec: Spec, owner: Person, people: list[Person]) -> list[Tweet]:
    blast_n = spec.blast_clusters * spec.blast_size
    n = spec.tweets
    times = _times(rng, spec, n)
    kinds = _kind_plan(rng, spec, n - blast_n - spec.thanks_replies)
    slots = list(range(n))
    rng.shuffle(slots)
    out: list[Tweet] = []
    special = slots[: blast_n + spec.thanks_replies]
    blast_slots = sorted(special[:blast_n])
    for c in range(spec.blast_clusters):
        base, product = blast_message(c)
        for r, slot in enumerate(blast_slots[c :: spec.blast_clusters]):
            resend = blast_variant(rng, base, product, r, spec.blast_edits, people)
            when = times[slot]
            out.append(
                Tweet(
                    snowflake(when, slot),
                    when,
                    "mention" if resend.mentions else "original",
                    resend.text,
                    rng.choice(SCHEDULERS),
                    urls=[resend.url],
                    mentions=resend.mentions,
                    hashtags=resend.hashtags,
                    promotional=True,
                    cluster=c,
                )
            )
    thanks_people = rng.sample(people, spec.thanks_replies)
    for person, slot in zip(thanks_people, special[blast_n:], strict=True):
        when = times[slot]
        out.append(_reply(rng, when, slot, person, THANKS, cluster=spec.blast_clusters))
    for kind, slot in zip(kinds, slots[blast_n + spec.thanks_replies :], strict=True):
        when = times[slot]
        out.append(_make(rng, kind, when, slot, owner, people))
    _add_own_links(rng, spec, out)
    _add_repeat_mentions(rng, spec, out)
    _add_everyday_words(rng, spec, out)
    _add_habits(rng, spec, out)
    _add_outreach(rng, spec, out, people)
    out.sort(key=lambda t: t.tweet_id)
    for tweet in out:
        tweet.tco = [tco(rng) for _ in tweet.urls]
        tweet.text += "".join(" " + link for link in tweet.tco)
    _add_photos(rng, spec, out)
    _add_edits(rng, spec, out)
    _add_notes(rng, spec, out)
    _add_corrections(rng, spec, out)
    _add_jokes(rng, spec, out)
    out.sort(key=lambda t: t.tweet_id)
    if spec.engagement:
        _add_engagement(random.Random(spec.seed * 7919 + 1), out)
    return out


def _plain(tweets: list[Tweet]) -> list[Tweet]:
    """Originals of plain words only: no link, photo, long note, edit or cluster."""
    return [
        t
        for t in tweets
        if t.kind == "original"
        and t.cluster is None
        and not t.urls
        and t.photo_tco is None
        and not t.long_note
        and not t.versions
    ]


def _kind_plan(rng: random.Random, spec: Spec, n: int) -> list[str]:
    plan: list[str] = []
    for kind, share in spec.mix.items():
        plan += [kind] * round(share * n)
    plan = (plan + ["original"] * n)[:n]
    rng.shuffle(plan)
    return plan


def _reply(
    rng: random.Random,
    when: datetime,
    seq: int,
    person: Person,
    body: str,
    cluster: int | None = None,
) -> Tweet:
    return Tweet(
        snowflake(when, seq),
        when,
        "reply_to_others",
        f"@{person.handle} {body}",
        rng.choice(CLIENTS),
        reply_to=person,
        reply_status_id=snowflake(when, seq + 1) - 10**9,
        mentions=[person],
        cluster=cluster,
    )


def _make(
    rng: random.Random, kind: str, when: datetime, seq: int, owner: Person, people: list[Person]
) -> Tweet:
    tid = snowflake(when, seq)
    source = rng.choice(CLIENTS)
    person = rng.choice(people)
    if kind == "reply_to_others":
        tweet = _reply(rng, when, seq, person, neutral_text(rng))
        if rng.random() < 0.03:
            tweet.unknown_reply_id = True  # the archive says in_reply_to_user_id "-1"
        return tweet
    if kind == "self_reply":
        # Thread continuation; some start with other people's handles (archive-format §2.1.2).
        lead = f"@{person.handle} " if rng.random() < 0.3 else ""
        mentions = [person] if lead else []
        return Tweet(
            tid,
            when,
            kind,
            lead + neutral_text(rng),
            source,
            reply_to=owner,
            reply_to_self=True,
            reply_status_id=tid - 10**9,
            mentions=mentions,
        )
    if kind == "retweet":
        text = f"RT @{person.handle}: {neutral_text(rng, 28)}"
        if len(text) > 140:  # the archive cuts retweets at 140 characters
            text = text[:139] + "…"
        return Tweet(tid, when, kind, text, source, mentions=[person], retweeted=person)
    if kind == "quote":
        status = snowflake(when, seq) - 5 * 10**9
        url = f"https://twitter.com/{person.handle}/status/{status}"
        return Tweet(
            tid,
            when,
            kind,
            neutral_text(rng),
            source,
            urls=[url],
            quoted=(person.handle, status),
            favorite_count=rng.randint(0, 40),
        )
    if kind == "mention":
        return Tweet(
            tid,
            when,
            kind,
            f"{words(rng, 4).capitalize()} with @{person.handle} {words(rng, 5)}",
            source,
            mentions=[person],
            favorite_count=rng.randint(0, 30),
        )
    urls: list[str] = []
    if rng.random() < 0.35:
        urls = [f"https://{rng.choice(OTHER_DOMAINS)}/{words(rng, 1)}/{seq}"]
    tags = [rng.choice(("reading", "gardening", "history"))] if rng.random() < 0.2 else []
    text = neutral_text(rng) + "".join(f" #{t}" for t in tags)
    return Tweet(
        tid,
        when,
        "original",
        text,
        source,
        urls=urls,
        hashtags=tags,
        favorite_count=rng.randint(0, 80),
        retweet_count=rng.randint(0, 12),
    )


def _add_edits(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """Give some originals earlier versions; the archive then holds one record per version."""
    candidates = [t for t in tweets if t.kind == "original" and t.cluster is None]
    for tweet in rng.sample(candidates, min(spec.edited, len(candidates))):
        first_time = tweet.created_at - timedelta(minutes=rng.randint(2, 20))
        n_old = rng.randint(1, 2)
        for k in range(n_old):
            when = first_time + timedelta(seconds=30 * k)
            tweet.versions.append(
                (
                    snowflake(when, 3_000_000 + k),
                    when,
                    tweet.text.replace(" ", "  ", 1) + f" (draft {k})",
                )
            )


def _add_notes(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """Turn some tweets into long posts (> 280 characters), completed by note-tweet.js.

    In the four shapes real archives show (archive-format.md pitfalls 11, 31, 32): the tweet
    cut with "…"; cut with "…" and then a t.co link; a reply whose tweet starts with the
    handle while the note does not; a link whose t.co form differs between tweet and note.
    """
    plain = [
        t
        for t in tweets
        if t.kind in ("original", "reply_to_others")
        and not t.versions
        and t.cluster is None
        and not t.urls
        and not t.unknown_reply_id
        and t.photo_tco is None
    ]
    for n, tweet in enumerate(rng.sample(plain, min(spec.notes, len(plain)))):
        shape = n % 4 if tweet.kind == "original" else 2
        lead = f"@{tweet.reply_to.handle} " if tweet.kind == "reply_to_others" else ""
        body = tweet.text.removeprefix(lead)
        if shape == 3:  # a link early in the post; the note has its own t.co for it
            url = f"https://en.wikipedia.org/wiki/{words(rng, 1)}_{n}"
            tweet.urls, tweet.tco = [url], [tco(rng)]
            body = f"{body} {tweet.tco[0]}"
        body += ". " + " ".join(neutral_text(rng, 20) for _ in range(4))
        tweet.text = lead + body
        tweet.note_text = body if lead else tweet.text
        cut = tweet.text[:270]
        tweet.truncated = cut + "…" + (f" {tco(rng)}" if shape == 1 else "")
        if shape == 3:
            tweet.note_text = tweet.note_text.replace(tweet.tco[0], tco(rng))
            tweet.text = tweet.note_text  # the importer keeps the note's text, links and all
        tweet.long_note = True


def _add_photos(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """Photos: the text ends with the photo's t.co link (archive-format.md pitfall 33); a
    media-only post is nothing but that link — hundreds of them are no repeated message."""
    plain = [t for t in tweets if t.kind == "original" and t.cluster is None and not t.urls]
    chosen = rng.sample(plain, min(spec.photos + spec.media_only, len(plain)))
    for n, tweet in enumerate(chosen):
        tweet.photo_tco = tco(rng)
        if n < spec.media_only:
            tweet.text, tweet.hashtags = tweet.photo_tco, []
        else:
            tweet.text += " " + tweet.photo_tco


def _add_habits(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """A scheduling tool for a share of tweets; a last year without conversation."""
    if spec.scheduled:
        for tweet in tweets:
            if tweet.cluster is None and rng.random() < spec.scheduled:
                tweet.source = rng.choice(SCHEDULERS)
    if spec.quiet_last_year:
        year_before_end = spec.end - timedelta(days=365)
        for tweet in tweets:
            if (
                tweet.kind == "reply_to_others"
                and tweet.cluster is None
                and tweet.created_at >= year_before_end
            ):
                tweet.kind, tweet.reply_to, tweet.reply_status_id = "original", None, None
                tweet.mentions, tweet.text, tweet.unknown_reply_id = [], neutral_text(rng), False


def _add_everyday_words(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """Short replies and everyday sentences: what ordinary accounts tweet, never a sale."""
    replies = [t for t in tweets if t.kind == "reply_to_others" and t.cluster is None]
    for tweet in rng.sample(replies, min(spec.short_replies, len(replies))):
        tweet.text = f"@{tweet.reply_to.handle} {rng.choice(SHORT_REPLIES)}"
    plain = [t for t in tweets if t.kind == "original" and t.cluster is None and not t.urls]
    for tweet in rng.sample(plain, min(spec.everyday, len(plain))):
        tweet.text = f"{neutral_text(rng, 8)}. {rng.choice(EVERYDAY)}"
        tweet.hashtags = []


def _add_repeat_mentions(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """One account named twice in a tweet: user_mentions lists it twice (pitfall 37)."""
    mentions = [t for t in tweets if t.kind == "mention" and t.cluster is None]
    for tweet in rng.sample(mentions, min(spec.repeat_mentions, len(mentions))):
        person = tweet.mentions[0]
        tweet.text += f" (thanks again @{person.handle})"
        tweet.mentions = [*tweet.mentions, person]


def _add_own_links(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """Originals that only link to the owner's shop: promotional by the own-domain rule."""
    candidates = [t for t in tweets if t.kind == "original" and not t.urls and t.cluster is None]
    for n, tweet in enumerate(rng.sample(candidates, min(spec.own_links, len(candidates)))):
        tweet.urls = [f"https://{OWN_DOMAIN}/journal/{n}"]
        tweet.promotional = True


# Likes and retweets each kind earns when the generator draws them (``Spec.engagement``): the
# shape consultants see — conversation earns, sales messages don't. (low, high) per count.
ENGAGEMENT = {
    "reply_to_others": ((0, 8), (0, 2)),
    "self_reply": ((0, 4), (0, 1)),
    "mention": ((0, 6), (0, 2)),
    "original": ((0, 40), (0, 10)),
    "quote": ((0, 20), (0, 6)),
    "promotional": ((0, 1), (0, 1)),
}


def _add_engagement(rng: random.Random, tweets: list[Tweet]) -> None:
    """Counts from a generator of their own, so archives without them stay byte-identical."""
    for tweet in tweets:
        if tweet.kind == "retweet":
            continue
        (like_lo, like_hi), (rt_lo, rt_hi) = ENGAGEMENT[
            "promotional" if tweet.promotional else tweet.kind
        ]
        tweet.favorite_count = rng.randint(like_lo, like_hi)
        tweet.retweet_count = rng.randint(rt_lo, rt_hi)


def _add_outreach(
    rng: random.Random, spec: Spec, tweets: list[Tweet], people: list[Person]
) -> None:
    """The latest tweets become canned greetings, each a reply to a different person."""
    latest = sorted((t for t in tweets if t.cluster is None), key=lambda t: t.created_at)
    chosen = latest[len(latest) - min(spec.canned_outreach, len(latest)) :]
    assert len(chosen) <= len(people), "canned outreach goes to distinct people"
    index = {id(t): n for n, t in enumerate(tweets)}
    for n, (old, person) in enumerate(zip(chosen, people, strict=False)):
        tweet = _reply(rng, old.created_at, 5_000_000 + n, person, CANNED[n % len(CANNED)])
        tweet.tweet_id = old.tweet_id
        tweets[index[id(old)]] = tweet


def _add_corrections(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """An original sent with a typo, then re-posted fixed 40 seconds later: a correction."""
    plain = [t for t in _plain(tweets) if len(t.text.split()) >= 8]
    for n, tweet in enumerate(rng.sample(plain, min(spec.corrections, len(plain)))):
        words_ = tweet.text.split()
        longest = max(range(len(words_)), key=lambda i: len(words_[i]))
        word = words_[longest]
        typo = word[:-2] + word[-1] + word[-2]  # the last two letters swapped
        when = tweet.created_at + timedelta(seconds=40)
        fixed = Tweet(snowflake(when, 6_000_000 + n), when, "original", tweet.text, tweet.source)
        tweet.text = " ".join([*words_[:longest], typo, *words_[longest + 1 :]])
        tweets.append(fixed)


def _add_jokes(rng: random.Random, spec: Spec, tweets: list[Tweet]) -> None:
    """Two different jokes that read alike, sent days apart: no template message."""
    plain = [t for t in _plain(tweets) if t.created_at < spec.end - timedelta(days=40)]
    if not spec.lookalike_jokes or not plain:
        return
    first, second = JOKE_PAIRS[0]
    tweet = rng.choice(plain)
    tweet.text, tweet.hashtags = JOKE.format(*first), []
    when = tweet.created_at + timedelta(days=rng.randint(3, 40))
    seq = 7_000_000 + len(tweets)
    tweets.append(Tweet(snowflake(when, seq), when, "original", JOKE.format(*second), tweet.source))
