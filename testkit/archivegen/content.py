"""The made-up account's life: people, tweets of every kind, and the truth about each.

Nothing here knows about file formats; :mod:`testkit.archivegen.writer` turns the result into an
archive of a chosen era. Everything is drawn from a seeded ``random.Random`` so the same spec gives
the same archive byte for byte.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

TWITTER_EPOCH_MS = 1288834974657

# Words that match no term of the default sales lexicon, so neutral tweets stay neutral.
NEUTRAL_WORDS = [
    "reading",
    "thread",
    "idea",
    "garden",
    "coffee",
    "morning",
    "conference",
    "talk",
    "paper",
    "research",
    "community",
    "writing",
    "library",
    "history",
    "music",
    "walk",
    "team",
    "question",
    "answer",
    "learned",
    "today",
    "interesting",
    "article",
    "notes",
    "design",
    "data",
    "teaching",
    "students",
    "book",
    "chapter",
    "draft",
    "podcast",
    "episode",
    "photo",
    "city",
    "river",
    "recipe",
    "bread",
    "weekend",
    "friends",
    "family",
    "travel",
    "museum",
    "science",
    "poetry",
    "kindness",
    "patience",
    "craft",
    "project",
    "colleague",
    "mentor",
    "lecture",
    "seminar",
    "review",
    "essay",
    "archive",
    "quiet",
    "evening",
    "summer",
    "winter",
    "autumn",
    "spring",
    "birds",
    "forest",
    "ocean",
    "mountain",
    "tea",
    "dinner",
    "lunch",
    "breakfast",
    "story",
    "notebook",
    "pencil",
]
EXTRA_TEXT = ("café", "naïve", "שלום עולם", "مرحبا", "e\u0301cole", "😀", "🎉", "👩‍💻", "日本語")
THANKS = "Thank you so much for sharing this, really appreciated!"
# Replies real people send again and again, in several languages: none is a message.
# Canned outreach (issue 20): the same short greeting to hundreds of strangers in a few weeks.
CANNED = ("Hi", "Hello", "Interested", "Let's connect 🤝")
# Two different jokes that read alike (88 % similar once normalised): no template message.
JOKE = (
    "Why did the {0} bring a ladder to the {1}? Because someone said the {2} were on the top shelf"
)
JOKE_PAIRS = ((("gardener", "library", "stories"), ("plumber", "bakery", "rolls")),)
SHORT_REPLIES = (
    "xD",
    "hello",
    "Hi",
    "Interested",
    "💄😅",
    "lol",
    "+1",
    "jajaja",
    "merci !",
    "danke",
    "gracias",
    "ありがとう",
    "谢谢",
    "obrigado 🙏",
    "same",
    "this!",
    "👏👏👏",
)
# Ordinary sentences with words a naive sales lexicon trips on ("order", "store", "free", "buy",
# "sale", "deal", "price", "shop"): nothing here sells anything.
EVERYDAY = (
    "That is an order of magnitude faster than the old parser",
    "Went to the store for bread and came back with a kitten",
    "Finally some free time to read the papers on my desk",
    "Getting buy-in from the whole team took longer than the code",
    "The price of coffee near the office is getting silly",
    "A great deal of patience went into this refactor",
    "The garage sale down the street had a box of old maps",
    "Shop talk at lunch turned into a long debate about tabs",
    "In order to test it we need a bigger data set",
    "Free as in freedom, not as in beer",
    "I would not buy that argument without more evidence",
    "Our corner shop still sells the newspaper my grandfather read",
    "Discount the first run, the cache was cold",
)

# (name, feature, price, link): the owner's catalogue. Blasts are built from these.
PRODUCTS = (
    ("The Garden Planner", "52 weekly planting plans", 19, "zimblerbooks.com/planner"),
    ("Sourdough Masterclass", "12 video lessons on wild yeast", 49, "zimblerbooks.com/bread"),
    ("Poetry Notebook", "a hardback journal with daily prompts", 14, "zimblerbooks.com/notebook"),
    (
        "History Walks Guide",
        "thirty walking routes through old Porto",
        22,
        "zimblerbooks.com/walks",
    ),
    ("Coffee Atlas", "maps of every coffee region", 35, "zimblerbooks.com/atlas"),
    ("Winter Recipes eBook", "eighty soups and stews", 9, "zimblerbooks.com/winter"),
    ("Birdsong Audio Course", "recordings of 120 garden birds", 29, "zimblerbooks.com/birds"),
    ("Watercolour Starter Kit", "paints, brushes and ten tutorials", 39, "zimblerbooks.com/paint"),
    ("Kids Science Box", "monthly experiments for ages 8 to 12", 25, "zimblerbooks.com/science"),
    (
        "Mountain Trails Map Set",
        "waterproof maps of the Serra da Estrela",
        17,
        "zimblerbooks.com/maps",
    ),
    (
        "Tea Tasting Cards",
        "fifty cards for brewing green and black teas",
        12,
        "zimblerbooks.com/tea",
    ),
    ("Writing Retreat Pass", "a weekend of workshops by the sea", 199, "zimblerbooks.com/retreat"),
)
# Sales messages; each cluster is one (template, product) pair, never reused.
BLAST_TEMPLATES = (
    "New: {name} is out! {feature}. Order your copy today, 20% off this week",
    "Get yours: {name}, {feature}, with free shipping on every order",
    "Last chance to buy {name} at the launch price of ${price}",
    "Sign up for our webinar about {feature} and get {name} as a special offer",
    "{name} is back in the store! {feature} for just ${price}",
    "Pre-order {name} now: {feature}. Limited time deal",
    "Flash sale on {name} ({feature}), 30% off until Sunday, link in bio",
    "Our bestseller {name} makes a lovely gift: {feature}. Shop today",
)
SCHEDULERS = (
    '<a href="https://buffer.com" rel="nofollow">Buffer</a>',
    '<a href="https://www.hootsuite.com" rel="nofollow">Hootsuite Inc.</a>',
)
CLIENTS = (
    '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    '<a href="https://about.twitter.com/products/tweetdeck" rel="nofollow">TweetDeck</a>',
)
OTHER_DOMAINS = ("nytimes.com", "github.com", "en.wikipedia.org", "theguardian.com", "arxiv.org")
OWN_DOMAIN = "zimblerbooks.com"


@dataclass
class Person:
    account_id: int
    handle: str
    name: str


@dataclass
class Tweet:
    """One logical tweet and everything the archive will say about it."""

    tweet_id: int
    created_at: datetime
    kind: str
    text: str  # the full, unescaped text the owner wrote
    source: str
    reply_to: Person | None = None
    reply_to_self: bool = False
    reply_status_id: int | None = None
    mentions: list[Person] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # expanded
    tco: list[str] = field(default_factory=list)  # their t.co forms, as they appear in the text
    hashtags: list[str] = field(default_factory=list)
    retweeted: Person | None = None
    quoted: tuple[str, int] | None = None
    promotional: bool = False
    cluster: int | None = None  # ground-truth near-duplicate cluster label
    favorite_count: int = 0
    retweet_count: int = 0
    lang: str = "en"
    versions: list[tuple[int, datetime, str]] = field(default_factory=list)  # earlier edits
    long_note: bool = False  # a long post: tweets.js holds ``truncated``, note-tweet.js the rest
    truncated: str = ""  # the long post's text as tweets.js cuts it
    note_text: str = ""  # the long post's text as note-tweet.js holds it
    unknown_reply_id: bool = False
    photo_tco: str | None = None  # a photo's t.co link, the last thing in the text

    @property
    def interacted_with(self) -> Person | None:
        if self.kind == "reply_to_others" and not self.unknown_reply_id:
            return self.reply_to
        if self.kind == "retweet":
            return self.retweeted
        return None


def snowflake(when: datetime, seq: int) -> int:
    ms = int(when.replace(tzinfo=UTC).timestamp() * 1000) - TWITTER_EPOCH_MS
    return (ms << 22) | (seq & 0x3FFFFF)


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(NEUTRAL_WORDS) for _ in range(n))


def neutral_text(rng: random.Random, n_words: int | None = None) -> str:
    text = words(rng, n_words or rng.randint(6, 18)).capitalize()
    roll = rng.random()
    if roll < 0.15:
        text += " " + rng.choice(EXTRA_TEXT)
    elif roll < 0.22:
        text += " & <notes> on " + words(rng, 2)  # HTML-escaped in the archive
    elif roll < 0.25:
        text += " — literally &amp; written out"  # the owner typed an entity: keep it
    return text


def tco(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "https://t.co/" + "".join(rng.choice(alphabet) for _ in range(10))


def blast_message(cluster: int) -> tuple[str, tuple]:
    """The base text of ground-truth cluster *cluster*, and its product."""
    combos = [(t, p) for t in range(len(BLAST_TEMPLATES)) for p in range(len(PRODUCTS))]
    random.Random(99).shuffle(combos)
    template, product = combos[cluster % len(combos)]
    name, feature, price, _link = PRODUCTS[product]
    return BLAST_TEMPLATES[template].format(name=name, feature=feature, price=price), PRODUCTS[
        product
    ]


@dataclass
class Resend:
    """One re-send of a blast: its text (t.co links come later), link, hashtags and people."""

    text: str
    url: str
    hashtags: list[str] = field(default_factory=list)
    mentions: list[Person] = field(default_factory=list)


# How re-sends are edited, in turn: round r gets edit r % len(edits). The classic six draw from
# the generator exactly as before, so archives made without ``Spec.blast_edits`` stay the same.
CLASSIC_EDITS = ("as_is", "reminder", "emoji", "case", "suffix", "price")
# The edits that split one re-sent message into two clusters before issue 22: a person still
# sees one message in each.
WHOLE_EDITS = (
    "prefix",
    "suffix_sentence",
    "hashtag_run",
    "mention_run",
    "price_link",
    "reordered",
    "prefix_hashtags",
)
ALL_EDITS = CLASSIC_EDITS + WHOLE_EDITS
PREFIXES = ("Last chance!", "ICYMI:", "Reminder:", "Back by popular demand!", "Still time:")
SUFFIXES = (
    "Thank you all for the amazing support!",
    "Tell your friends and share this post!",
    "Only a few copies left, so don't wait!",
)
HASHTAGS = ("books", "gardening", "giftideas", "shopsmall", "booklovers", "amreading", "handmade")


def blast_variant(
    rng: random.Random,
    base: str,
    product: tuple,
    round_no: int,
    edits: tuple[str, ...] = CLASSIC_EDITS,
    people: Sequence[Person] = (),
) -> Resend:
    """A re-send of *base* with the small edits real blasts get."""
    edit = edits[round_no % len(edits)]
    resend = Resend(base, f"https://{product[3]}?utm_campaign=r{round_no}")
    _EDITS[edit](rng, resend, product, people)
    return resend


def _reminder(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    r.text = "Reminder: " + r.text


def _emoji(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    r.text += " " + rng.choice(("🎉", "🔥", "📚"))


def _case(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    r.text = r.text.upper() if rng.random() < 0.5 else r.text.lower()


def _suffix(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    r.text += " Don't miss it!"


def _price(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    price = product[2]
    if f"${price}" in r.text:
        r.text = r.text.replace(f"${price}", f"${price + 5}")
    else:
        r.text = "✨ " + r.text


def _prefix(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    r.text = f"{rng.choice(PREFIXES)} {r.text}"


def _suffix_sentence(
    rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]
) -> None:
    r.text = f"{r.text}. {rng.choice(SUFFIXES)}"


def _hashtag_run(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    r.hashtags = rng.sample(HASHTAGS, rng.randint(3, 6))
    r.text += "".join(f" #{h}" for h in r.hashtags)


def _mention_run(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    """Handles before the message, or a "cc" run after it (the tweet becomes a mention)."""
    r.mentions = rng.sample(list(people), min(len(people), rng.randint(2, 4)))
    handles = " ".join(f"@{p.handle}" for p in r.mentions)
    r.text = f"{handles} {r.text}" if rng.random() < 0.5 else f"{r.text} cc {handles}"


def _price_link(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    """A new price (or percentage), and a link to another page of the shop."""
    price = product[2]
    if f"${price}" in r.text:
        r.text = r.text.replace(f"${price}", f"${price - 1}.99")
    elif "% off" in r.text:
        r.text = r.text.replace("20% off", "25% off").replace("30% off", "40% off")
    else:
        r.text += f", now ${price - 1}.99"
    r.url = f"https://{product[3].replace('.com/', '.com/shop/')}-{rng.randint(10, 99)}"


def _reordered(rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]) -> None:
    """The first sentence (or clause) moved to the end."""
    parts = re.split(r"(?<=[.!?,:])\s+", r.text)
    if len(parts) > 1:
        r.text = " ".join([*parts[1:], parts[0]])


def _prefix_hashtags(
    rng: random.Random, r: Resend, product: tuple, people: Sequence[Person]
) -> None:
    _prefix(rng, r, product, people)
    _hashtag_run(rng, r, product, people)
    r.url = f"https://{product[3]}?ref=last-call-{rng.randint(10, 99)}"


_EDITS = {
    "as_is": lambda rng, r, product, people: None,
    "reminder": _reminder,
    "emoji": _emoji,
    "case": _case,
    "suffix": _suffix,
    "price": _price,
    "prefix": _prefix,
    "suffix_sentence": _suffix_sentence,
    "hashtag_run": _hashtag_run,
    "mention_run": _mention_run,
    "price_link": _price_link,
    "reordered": _reordered,
    "prefix_hashtags": _prefix_hashtags,
}
