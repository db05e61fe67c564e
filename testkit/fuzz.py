"""Damaged and hostile variants of a generated archive, and what importing each must end as.

    python -m testkit.fuzz [--per-family N] [--seed S] [--verbose]   # outcomes per family

Every variant ends as one of: ``correct`` (imported, nothing lost), ``warned`` (imported with a
warning naming the damaged member: the loss is stated), ``refused`` (one :class:`UserError`
sentence, the library unchanged). Anything else is a failure: ``internal`` (another
exception), ``silent loss`` (fewer records than the archive holds and no warning naming the
file), ``hang`` (no answer within the time limit), ``temp files left``, or ``memory`` (over the
peak allowed for a small input). ``tests/test_fuzz.py`` runs the corpus in the suite.

The families of damage are small functions registered with ``@family(name)`` (``FAMILIES``);
``cases()`` runs them in registration order. A new way to damage an archive is a new function
at the end of the list.

Each case runs in a process of its own (forked from a clean server process), so a hang can be
stopped and a peak measured alone.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import struct
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from testkit.archivegen import Options, Spec, build_story, write_archive

OUTCOMES_OK = ("correct", "warned", "refused")
TIME_LIMIT = 60.0  # seconds per case
MEMORY_LIMIT = 1 << 30  # peak resident bytes allowed for these small inputs

# member → the count in the import result it feeds
_COUNTED = {
    "data/tweets.js": "tweets",
    "tweet.js": "tweets",
    "data/follower.js": "followers",
    "data/following.js": "following",
    "data/like.js": "likes",
    "data/block.js": "blocks",
    "data/mute.js": "mutes",
}


@dataclass(frozen=True)
class Case:
    name: str
    members: tuple[tuple[str, bytes], ...]  # the zip's members in order (name, bytes)
    touched: str  # the member the mutation damaged ("" for archive-level damage)
    raw_zip: bytes | None = None  # a zip built byte by byte (garbled streams, odd headers)
    era: str = "current"  # the base archive's era
    must_say: bool = False  # hostile data: imported without a warning naming it is a loss
    family: str = ""  # filled in by cases() from the registry


@dataclass
class Result:
    case: str
    family: str
    outcome: str
    detail: str = ""
    peak: int = 0


# -- the base archive --


def base_members(
    seed: int = 3, era: str = "current"
) -> tuple[list[tuple[str, bytes]], dict[str, int]]:
    """A small archive of *era* as (name, bytes) members, and its true counts."""
    spec = Spec(
        seed=seed,
        tweets=90,
        followers=40,
        following=30,
        mutuals=10,
        people=30,
        likes=12,
        edited=2,
        notes=2,
        blast_clusters=2,
        blast_size=3,
        thanks_replies=2,
    )
    story = build_story(spec)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_archive(story, era, Path(tmp) / "base.zip", Options()).path
        with zipfile.ZipFile(path) as zf:
            members = [(n, zf.read(n)) for n in zf.namelist()]
    truth = {
        "tweets": len(story.tweets),
        "followers": len(story.followers),
        "following": len(story.following),
        "likes": len(story.likes),
        "blocks": len(story.blocks),
        "mutes": len(story.mutes),
    }
    return members, truth


def zip_bytes(members: tuple[tuple[str, bytes], ...] | list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are a case on purpose
        for name, data in members:
            info = zipfile.ZipInfo(name, (2023, 7, 2, 7, 32, 42))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


# -- record-level helpers --


def split_js(data: bytes) -> tuple[bytes, object]:
    """(the ``window.YTD… =`` head, the parsed JSON) of a data file."""
    eq = data.index(b"=")
    return data[: eq + 1] + b" ", json.loads(data[eq + 1 :])


def join_js(head: bytes, value: object) -> bytes:
    return head + json.dumps(value, indent=2, ensure_ascii=False).encode()


def _replace(members: list[tuple[str, bytes]], name: str, data: bytes) -> tuple:
    return tuple((n, data if n == name else d) for n, d in members)


def _edit_records(
    members: list[tuple[str, bytes]], name: str, edit: Callable[[list], None]
) -> tuple:
    data = dict(members)[name]
    head, records = split_js(data)
    assert isinstance(records, list)
    edit(records)
    return _replace(members, name, join_js(head, records))


def _tweet(record: dict) -> dict:
    return record["tweet"]


# -- families --
#
# Each family is a small function registered with @family(name), in the order the corpus runs
# them. Families draw from one random stream (Base.rng) in that order, so a seed gives the same
# corpus however the families are grouped into functions: add a new family at the end, or
# every later family's random draws change.


@dataclass
class Base:
    """What the families damage: the current archive's members, the 2018–19 root layout's, and
    the corpus's one random stream."""

    members: list[tuple[str, bytes]]
    root: list[tuple[str, bytes]]
    rng: random.Random
    per_family: int

    def member(self, name: str) -> bytes:
        return dict(self.members)[name]

    @property
    def important(self) -> list[str]:
        """The members whose damage matters most (the ones counted, and the ones that name the
        account and its files)."""
        return [
            "data/tweets.js",
            "data/follower.js",
            "data/following.js",
            "data/account.js",
            "data/manifest.js",
            "data/like.js",
            "data/note-tweet.js",
        ]

    @property
    def data_files(self) -> list[str]:
        return [n for n, _ in self.members if n.endswith(".js") and n.startswith("data/")]


Family = Callable[[Base], Iterator[Case]]
FAMILIES: list[tuple[str, Family]] = []


def family(name: str) -> Callable[[Family], Family]:
    """Register a function yielding cases of the family *name* (it leaves Case.family empty:
    the registry fills it, so a case cannot be counted under another family)."""

    def register(make: Family) -> Family:
        FAMILIES.append((name, make))
        return make

    return register


def cases(seed: int = 1, per_family: int = 30) -> Iterator[Case]:
    """Every registered family's cases, in registration order."""
    members, _ = base_members()
    root, _ = base_members(era="2018-2020")
    base = Base(members, root, random.Random(seed), per_family)
    for name, make in FAMILIES:
        for case in make(base):
            yield replace(case, family=name)


@family("byte flips")
def byte_flips(base: Base) -> Iterator[Case]:
    """A few bytes anywhere in a data file turned into JSON punctuation, NUL or 0xFF."""
    rng = base.rng
    for i in range(base.per_family):
        name = rng.choice(base.important if i % 3 else base.data_files)
        data = bytearray(base.member(name))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            data[at] = rng.choice(b'{}[]",:0a\x00\xff ')
        yield Case(f"flip {name} #{i}", _replace(base.members, name, bytes(data)), name)


@family("truncations")
def truncations(base: Base) -> Iterator[Case]:
    """A data file cut anywhere (an interrupted download or copy)."""
    rng = base.rng
    for _ in range(base.per_family):
        name = rng.choice(base.important)
        data = base.member(name)
        cut = rng.randrange(1, len(data))
        yield Case(f"cut {name} at {cut}", _replace(base.members, name, data[:cut]), name)


@family("renames")
def renames(base: Base) -> Iterator[Case]:
    """Files under names the exporter never wrote (re-saved, hand-edited archives)."""
    for old, new in [
        ("data/tweets.js", "data/tweet.js"),
        ("data/tweets.js", "data/Tweets.js"),
        ("data/tweets.js", "data/tweets-part1.js"),
        ("data/follower.js", "data/followers.js"),
        ("data/account.js", "data/acount.js"),
        ("data/manifest.js", "data/manifest.json"),
        ("data/tweets.js", "tweets.js"),
        ("data/note-tweet.js", "data/note-tweets.js"),
    ]:
        renamed = tuple((new if n == old else n, d) for n, d in base.members)
        yield Case(f"{old} -> {new}", renamed, new)


@family("prefixes")
def prefixes(base: Base) -> Iterator[Case]:
    """tweets.js with another assignment, encoding or shape around its JSON."""
    tweets = base.member("data/tweets.js")
    body = tweets[tweets.index(b"=") + 1 :]
    variants = {
        "colon": b"window.YTD.tweets.part0 :" + body,
        "no prefix": body,
        "BOM": b"\xef\xbb\xbf" + tweets,
        "semicolon": tweets + b";\n",
        "var": b"var tweets = " + body,
        "utf-16": tweets.decode("utf-8").encode("utf-16"),
        "utf-16-le": tweets.decode("utf-8").encode("utf-16-le"),
        "latin-1 bytes": tweets.replace("é".encode(), b"\xe9"),
        "empty": b"",
        "only prefix": b"window.YTD.tweets.part0 = ",
        "not a list": b'window.YTD.tweets.part0 = {"tweet": "nope"}',
        "a string": b'window.YTD.tweets.part0 = "nope"',
        "empty list": b"window.YTD.tweets.part0 = [ ]",
        "two arrays": tweets + b"\n" + body,
    }
    for label, data in variants.items():
        yield Case(label, _replace(base.members, "data/tweets.js", data), "data/tweets.js")


@family("types")
def tweet_ids(base: Base) -> Iterator[Case]:
    """A tweet id of the wrong type or size."""
    rng = base.rng
    for value in ["abc", "", {"x": 1}, None, "99999999999999999999999", "1.5", "0x10", -5, 1e30]:

        def set_id(records: list, value: object = value) -> None:
            _tweet(records[rng.randrange(len(records))])["id_str"] = value
            _tweet(records[rng.randrange(len(records))])["id"] = value

        edited = _edit_records(base.members, "data/tweets.js", set_id)
        yield Case(f"tweet id {value!r}", edited, "data/tweets.js")


@family("types")
def tweet_fields(base: Base) -> Iterator[Case]:
    """A tweet's text, date, entities or counts of the wrong type or form."""
    rng = base.rng
    for field, value in [
        ("full_text", None),
        ("full_text", ["a", "b"]),
        ("full_text", 5),
        ("created_at", "Fri Feb 30 10:00:00 +0000 2018"),
        ("created_at", "yesterday"),
        ("created_at", None),
        ("entities", "none"),
        ("entities", None),
        ("favorite_count", "lots"),
        ("in_reply_to_user_id_str", "abc"),
        ("source", None),
        ("edit_info", []),
    ]:

        def set_field(records: list, field: str = field, value: object = value) -> None:
            _tweet(records[rng.randrange(len(records))])[field] = value

        edited = _edit_records(base.members, "data/tweets.js", set_field)
        yield Case(f"tweet {field} {value!r}", edited, "data/tweets.js")


@family("types")
def tweet_records(base: Base) -> Iterator[Case]:
    """A record of tweets.js that is not a wrapped tweet object."""
    for label, edit in [
        ("record is a number", lambda r: r.__setitem__(3, 42)),
        ("record is a string", lambda r: r.__setitem__(3, "tweet")),
        ("record is null", lambda r: r.__setitem__(3, None)),
        ("first record null", lambda r: r.__setitem__(0, None)),
        ("record is a list", lambda r: r.__setitem__(3, [1, 2])),
        ("wrapper is null", lambda r: r.__setitem__(3, {"tweet": None})),
        ("wrapper renamed", lambda r: r.__setitem__(3, {"twit": r[3]["tweet"]})),
    ]:
        edited = _edit_records(base.members, "data/tweets.js", edit)
        yield Case(f"tweets: {label}", edited, "data/tweets.js")


@family("types")
def follower_ids(base: Base) -> Iterator[Case]:
    """A follower's account id of the wrong type or size."""
    rng = base.rng
    for value in ["abc", "", None, {"a": 1}, "1e5", "99999999999999999999999", 12]:

        def set_ref(records: list, value: object = value) -> None:
            records[rng.randrange(len(records))]["follower"]["accountId"] = value

        edited = _edit_records(base.members, "data/follower.js", set_ref)
        yield Case(f"follower accountId {value!r}", edited, "data/follower.js")


@family("types")
def account_ids(base: Base) -> Iterator[Case]:
    """The archive owner's account id of the wrong type or form."""
    for value in [[1, 2], "abc", "1e5", None, {"id": 1}, 3.5, ""]:

        def set_account(records: list, value: object = value) -> None:
            records[0]["account"]["accountId"] = value

        edited = _edit_records(base.members, "data/account.js", set_account)
        yield Case(f"accountId {value!r}", edited, "data/account.js")


@family("types")
def account_fields(base: Base) -> Iterator[Case]:
    """The owner's name or creation date of the wrong type or form."""
    for field, value in [
        ("username", 12345),
        ("username", None),
        ("accountDisplayName", ["x"]),
        ("createdAt", 12),
        ("createdAt", "soon"),
    ]:

        def set_account_field(records: list, field: str = field, value: object = value) -> None:
            records[0]["account"][field] = value

        edited = _edit_records(base.members, "data/account.js", set_account_field)
        yield Case(f"account {field} {value!r}", edited, "data/account.js")


@family("types")
def manifest_fields(base: Base) -> Iterator[Case]:
    """The manifest's date, file list and counts of the wrong type or shape."""
    head, spec = split_js(base.member("data/manifest.js"))
    for label, edit in [
        ("generationDate number", lambda m: m["archiveInfo"].__setitem__("generationDate", 5)),
        ("generationDate garbage", lambda m: m["archiveInfo"].__setitem__("generationDate", "x")),
        ("archiveInfo list", lambda m: m.__setitem__("archiveInfo", [])),
        ("files are strings", lambda m: m["dataTypes"]["tweets"].__setitem__("files", ["a"])),
        ("files null", lambda m: m["dataTypes"]["tweets"].__setitem__("files", None)),
        ("file entry null", lambda m: m["dataTypes"]["follower"].__setitem__("files", [None])),
        ("count garbage", lambda m: m["dataTypes"]["tweets"]["files"][0].__setitem__("count", "x")),
        (
            "fileName number",
            lambda m: m["dataTypes"]["like"]["files"][0].__setitem__("fileName", 7),
        ),
        ("dataTypes list", lambda m: m.__setitem__("dataTypes", [1])),
        ("userInfo string", lambda m: m.__setitem__("userInfo", "me")),
        ("manifest is a list", None),
    ]:
        value = json.loads(json.dumps(spec))
        if edit is None:
            value = [value]
        else:
            edit(value)
        edited = _replace(base.members, "data/manifest.js", join_js(head, value))
        yield Case(f"manifest {label}", edited, "data/manifest.js")


@family("names")
def member_names(base: Base) -> Iterator[Case]:
    """Member names that are ambiguous, escape the folder, or wrap the archive twice."""
    members, tweets = base.members, base.member("data/tweets.js")
    account = base.member("data/account.js")
    other = account.replace(b'"accountId" : "', b'"accountId" : "9')
    yield Case("backslashes", tuple((n.replace("/", "\\"), d) for n, d in members), "")
    yield Case("two account.js", (*members, ("data/account.js", other)), "data/account.js")
    yield Case("two tweets.js", (*members, ("data/tweets.js", tweets)), "data/tweets.js")
    yield Case("dot-dot", (*members, ("../../evil.js", b"x = [1]")), "")
    yield Case("absolute", (*members, ("/tmp/archivelens-evil.js", b"x = [1]")), "")
    yield Case("dot-dot data", (*members, ("data/../../data/tweets.js", tweets)), "")
    yield Case("wrapped twice", tuple((f"a/b/{n}", d) for n, d in members), "")


@family("bombs")
def bombs(base: Base) -> Iterator[Case]:
    """Members far larger or deeper than any real one."""
    members, tweets = base.members, base.member("data/tweets.js")
    account, manifest = base.member("data/account.js"), base.member("data/manifest.js")
    yield Case(
        "account.js padded 64 MB",
        _replace(members, "data/account.js", account + b" " * (64 << 20)),
        "data/account.js",
    )
    yield Case(
        "manifest.js padded 64 MB",
        _replace(members, "data/manifest.js", manifest + b" " * (64 << 20)),
        "data/manifest.js",
    )
    yield Case(
        "tweets.js padded 200 MB",
        _replace(members, "data/tweets.js", tweets[:-1] + b" " * (200 << 20) + b"]"),
        "data/tweets.js",
    )
    yield Case(
        "one 20 MB tweet text",
        _edit_records(
            members,
            "data/tweets.js",
            lambda r: _tweet(r[0]).__setitem__("full_text", "a" * (20 << 20)),
        ),
        "data/tweets.js",
    )
    deep = b"window.YTD.tweets.part0 = " + b"[" * 100_000 + b"]" * 100_000
    yield Case(
        "tweets nested 100k deep", _replace(members, "data/tweets.js", deep), "data/tweets.js"
    )
    deep_account = b"window.YTD.account.part0 = " + b"[" * 100_000 + b"]" * 100_000
    yield Case(
        "account nested 100k deep",
        _replace(members, "data/account.js", deep_account),
        "data/account.js",
    )


@family("root era")
def root_era(base: Base) -> Iterator[Case]:
    """The 2018–19 root-level layout, cut or flipped: no manifest to compare counts with."""
    rng, root = base.rng, base.root
    root_tweets = dict(root)["tweet.js"]
    for i in range(max(4, base.per_family // 4)):
        cut = rng.randrange(1, len(root_tweets))
        yield Case(
            f"cut tweet.js at {cut}",
            _replace(root, "tweet.js", root_tweets[:cut]),
            "tweet.js",
            era="2018-2020",
        )
        data = bytearray(root_tweets)
        data[rng.randrange(len(data))] = rng.choice(b'{}[]",:0a ')
        yield Case(
            f"flip tweet.js #{i}",
            _replace(root, "tweet.js", bytes(data)),
            "tweet.js",
            era="2018-2020",
        )


# Data that reads as valid JSON yet means nothing sound: each must be refused, or imported
# with a warning naming the file (``must_say``).


@family("hostile")
def hostile_accounts(base: Base) -> Iterator[Case]:
    """account.js that parses but names no account."""
    for label, body in [
        ("null", b"null"),
        ("[null]", b"[null]"),
        ("account null", b'[{"account": null}]'),
        ("empty object", b"[{}]"),
    ]:
        data = b"window.YTD.account.part0 = " + body
        yield Case(
            f"account.js {label}",
            _replace(base.members, "data/account.js", data),
            "data/account.js",
        )


@family("hostile")
def shared_ids(base: Base) -> Iterator[Case]:
    """Every tweet under one id: all but one would vanish without a word."""

    def one_id(records: list) -> None:
        for record in records:
            tweet = record.get("tweet", record)
            tweet["id_str"] = tweet["id"] = "1600000000000000000"
            tweet.pop("edit_info", None)

    yield Case(
        "every tweet shares one id",
        _edit_records(base.members, "data/tweets.js", one_id),
        "data/tweets.js",
        must_say=True,
    )
    yield Case(
        "every tweet shares one id (2018 era)",
        _edit_records(base.root, "tweet.js", one_id),
        "tweet.js",
        era="2018-2020",
        must_say=True,
    )


@family("hostile")
def impossible_dates(base: Base) -> Iterator[Case]:
    """Tweet dates with offsets or days no clock has."""
    for label, when in [
        ("+9999 offset", "Fri Feb 10 10:00:00 +9999 2018"),
        ("-2400 offset", "Fri Feb 10 10:00:00 -2400 2018"),
        ("30 February", "Fri Feb 30 10:00:00 +0000 2018"),
        ("hour 25", "Fri Feb 10 25:00:00 +0000 2018"),
    ]:

        def misdate(records: list, when: str = when) -> None:
            for record in records[::7]:
                record.get("tweet", record)["created_at"] = when

        yield Case(
            f"created_at with {label}",
            _edit_records(base.members, "data/tweets.js", misdate),
            "data/tweets.js",
            must_say=True,
        )
        yield Case(
            f"created_at with {label} (2018 era)",
            _edit_records(base.root, "tweet.js", misdate),
            "tweet.js",
            era="2018-2020",
            must_say=True,
        )


@family("hostile")
def note_dates(base: Base) -> Iterator[Case]:
    """Long posts whose dates are not dates."""

    def garbage_note_date(records: list) -> None:
        for record in records:
            record["noteTweet"]["createdAt"] = "sometime"

    yield Case(
        "note createdAt garbage",
        _edit_records(base.members, "data/note-tweet.js", garbage_note_date),
        "data/note-tweet.js",
        must_say=True,
    )


@family("hostile")
def cut_after_a_comma(base: Base) -> Iterator[Case]:
    """A file that ends just after a record's comma: well-formed up to there, then nothing."""
    for name, era, source, between in [
        ("tweet.js", "2018-2020", base.root, rb"\n}, \{"),  # Jackson's layout (2018-19)
        ("data/tweets.js", "current", base.members, rb"\n  },\n  \{"),
    ]:
        data = dict(source)[name]
        commas = [m.start() + m.group().index(b",") + 1 for m in re.finditer(between, data)]
        for at in (commas[len(commas) // 2], commas[0]):
            yield Case(
                f"{name} cut after the comma at {at}",
                _replace(source, name, data[:at]),
                name,
                era=era,
                must_say=True,
            )


@family("zip")
def garbled_deflate(base: Base) -> Iterator[Case]:
    """tweets.js's compressed bytes garbled inside an otherwise sound zip."""
    rng, base_zip = base.rng, zip_bytes(base.members)
    for i in range(base.per_family // 2):
        data = bytearray(base_zip)
        start, stop = _member_data_span(bytes(data), "data/tweets.js")
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(start, stop)] ^= rng.randrange(1, 256)
        yield Case(f"garbled deflate #{i}", (), "data/tweets.js", raw_zip=bytes(data))


@family("zip")
def zip_damage(base: Base) -> Iterator[Case]:
    """Headers asking for what Python's zipfile cannot do, and files that are no whole zip."""
    base_zip = zip_bytes(base.members)
    encrypted = _patch_header(base_zip, "data/tweets.js", flag=0x1)
    yield Case("encrypted flag", (), "data/tweets.js", raw_zip=encrypted)
    method_99 = _patch_header(base_zip, "data/tweets.js", method=99)
    yield Case("compression method 99", (), "data/tweets.js", raw_zip=method_99)
    yield Case("truncated zip", (), "", raw_zip=base_zip[: len(base_zip) // 2])
    yield Case("not a zip", (), "", raw_zip=b"PK\x03\x04" + os.urandom(64))
    yield Case("empty zip", (), "", raw_zip=zip_bytes([]))


def _member_data_span(data: bytes, name: str) -> tuple[int, int]:
    """Where a member's compressed bytes lie in a zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    return start, start + info.compress_size


def _patch_header(data: bytes, name: str, flag: int = 0, method: int | None = None) -> bytes:
    """Set a general-purpose flag bit or the compression method in both of a member's headers
    (flags at +6 in the local header, +8 in the central one; the method follows them)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        local = zf.getinfo(name).header_offset
    for at, shift in [(local, 6)] + [(c, 8) for c in _central_offsets(data, name)]:
        flags = struct.unpack("<H", out[at + shift : at + shift + 2])[0] | flag
        out[at + shift : at + shift + 2] = struct.pack("<H", flags)
        if method is not None:
            out[at + shift + 2 : at + shift + 4] = struct.pack("<H", method)
    return bytes(out)


def _central_offsets(data: bytes, name: str) -> list[int]:
    found = []
    for match in re.finditer(rb"PK\x01\x02", data):
        at = match.start()
        name_len = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_len] == name.encode():
            found.append(at)
    return found


# -- running a case --


def _context() -> multiprocessing.context.BaseContext:
    """Children forked from a fresh server process, not from the caller: forking a process that
    runs threads (a test session's DuckDB and thread pools) can leave a lock held in the child,
    which then waits forever. The server imports the importer once; each case forks from it."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["archivelens.pipeline"])
    return ctx


def run_case(case: Case, truth: dict[str, int], workdir: Path) -> Result:
    """Run one case in a process of its own with a time limit; classify what it ended as."""
    archive = workdir / "archive.zip"  # written here: the child gets a path, not the bytes
    archive.write_bytes(case.raw_zip if case.raw_zip is not None else zip_bytes(case.members))
    light = replace(case, members=(), raw_zip=None)
    ctx = _context()
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(light, truth, workdir, queue))
    proc.start()
    proc.join(TIME_LIMIT)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return Result(case.name, case.family, "hang")
    try:
        outcome, detail, peak = queue.get(timeout=5)
    except Exception:
        return Result(case.name, case.family, "internal", f"worker died (exit {proc.exitcode})")
    if outcome in OUTCOMES_OK and peak > MEMORY_LIMIT:
        outcome, detail = "memory", f"peak {peak >> 20} MB"
    return Result(case.name, case.family, outcome, detail, peak)


def _child(case: Case, truth: dict[str, int], workdir: Path, queue) -> None:
    try:
        queue.put(_classify(case, truth, workdir))
    except BaseException as err:  # the harness itself failed: report, never hang the parent
        queue.put(("internal", f"harness: {type(err).__name__}: {err}", 0))


def _classify(case: Case, truth: dict[str, int], workdir: Path) -> tuple[str, str, int]:
    from archivelens import pipeline
    from archivelens.errors import UserError

    tmp = workdir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = None
    archive = workdir / "archive.zip"
    library = workdir / "library" / "library.duckdb"
    try:
        result = pipeline.import_archive(archive, library, analysis=True)
    except UserError as err:
        outcome, detail = "refused", str(err)
        if "\n" in detail or not detail:
            outcome = "internal"
        elif _snapshots(library):
            outcome, detail = "internal", "refused, but the library changed: " + detail
    except Exception as err:
        outcome, detail = "internal", f"{type(err).__name__}: {err}"[:300]
    else:
        outcome, detail = _judge(case, truth, result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    left = (
        [p.name for p in tmp.iterdir()]
        + [
            p.name
            for p in library.parent.iterdir()
            if p.name not in ("library.duckdb", "library.duckdb.journal")  # the review journal
        ]
        if library.parent.exists()
        else [p.name for p in tmp.iterdir()]
    )
    if left and outcome in OUTCOMES_OK:
        outcome, detail = "temp files left", ", ".join(left)
    return outcome, detail, peak


def _judge(case: Case, truth: dict[str, int], result) -> tuple[str, str]:
    """correct, warned (a warning names the damaged member), or silent loss."""
    touched = case.touched.rsplit("/", 1)[-1]
    named = [w for w in result.warnings if touched and touched in w]
    lost = {
        key: (result.counts.get(key, 0), want)
        for key, want in truth.items()
        if result.counts.get(key, 0) < want
    }
    if not lost:
        if case.must_say and not named:
            return "silent loss", "imported without a warning naming " + touched
        return ("warned", named[0]) if named else ("correct", "")
    if named or any(
        member.rsplit("/", 1)[-1] in w
        for member, key in _COUNTED.items()
        if key in lost
        for w in result.warnings
    ):
        return "warned", (named or result.warnings)[0]
    return "silent loss", ", ".join(f"{k} {got}/{want}" for k, (got, want) in lost.items())


def _snapshots(library: Path) -> int:
    if not library.exists():
        return 0
    import duckdb

    try:
        with duckdb.connect(str(library), read_only=True) as con:
            return con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    except duckdb.Error:
        return 0


def run_all(
    selected: list[Case], workdir: Path, workers: int = 2, progress: bool = False
) -> list[Result]:
    """Run *selected* cases, *workers* at a time (each in its own forked process)."""
    from concurrent.futures import ThreadPoolExecutor

    truths = {era: base_members(era=era)[1] for era in {c.era for c in selected}}

    def one(item: tuple[int, Case]) -> Result:
        index, case = item
        folder = workdir / f"case-{index:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            result = run_case(case, truths[case.era], folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if progress:
            print(f"{result.outcome:<16} {case.family:<12} {case.name}  {result.detail[:120]}")
        return result

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, enumerate(selected)))


def table(results: list[Result]) -> str:
    """Outcomes per family, as the issue asks the note to give them."""
    kinds = [
        "correct",
        "warned",
        "refused",
        "internal",
        "silent loss",
        "hang",
        "temp files left",
        "memory",
    ]
    families = list(dict.fromkeys(r.family for r in results))
    counts = Counter((r.family, r.outcome) for r in results)
    lines = ["| family | cases | " + " | ".join(kinds) + " |", "|---|---:|" + "---:|" * len(kinds)]
    for family in [*families, "all"]:
        rows = [r for r in results if family in ("all", r.family)]
        cells = [str(sum(counts[(f, k)] for f in families if family in ("all", f))) for k in kinds]
        lines.append(f"| {family} | {len(rows)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-family", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    selected = list(cases(args.seed, args.per_family))
    with tempfile.TemporaryDirectory() as tmp:
        results = run_all(selected, Path(tmp), progress=args.verbose)
    print(table(results))
    for r in results:
        if r.outcome not in OUTCOMES_OK:
            print(f"{r.outcome}: {r.family} / {r.case}: {r.detail}")
    peak = max((r.peak for r in results), default=0)
    print(f"{len(results)} cases; peak memory of one case {peak >> 20} MB")


if __name__ == "__main__":
    main()
