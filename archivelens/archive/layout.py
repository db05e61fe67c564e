"""Find out which era an archive belongs to and which of its files hold the data we read.

Eras are told apart by the files present, never by dates (``archive-format.md`` §6):

* ``classic``   – the pre-2019 "Tweet archive": ``tweets.csv`` + ``data/js/tweets/YYYY_MM.js``
* ``2018-2020`` – data files at the archive root (``tweet.js``), no manifest
* ``2020-2022`` – ``data/manifest.js`` + ``data/tweet.js`` (``tweet-partN.js``)
* ``current``   – ``data/manifest.js`` + ``data/tweets.js`` (``tweets-partN.js``)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from archivelens.archive.jsfile import load_small
from archivelens.archive.parts import KIND_WORDS, KINDS, damaged
from archivelens.archive.source import ArchiveSource
from archivelens.errors import UserError
from archivelens.words import number, with_files

# manifest dataTypes key → our kind
_MANIFEST_KINDS = {
    "tweets": "tweets",
    "tweet": "tweets",
    "follower": "follower",
    "following": "following",
    "block": "block",
    "mute": "mute",
    "like": "like",
    "noteTweet": "note_tweet",
}
# Account lists and likes: an archive that lacks one of these does not tell it is empty.
LIST_KINDS = ("follower", "following", "block", "mute", "like")
_READ_ELSEWHERE = ("account.js", "account-timezone.js", "manifest.js")  # not data files, read
_MANY = {"tweets", "grailbird", "tweets_csv", "like", "note_tweet"}  # "your likes are …"
_GRAILBIRD_RE = re.compile(r"^data/js/tweets/(\d{4})_(\d{2})\.js$")
_PART_RE = re.compile(r"-part(\d+)\.js$")

ERA_CLASSIC = "classic"
ERA_ROOT = "2018-2020"
ERA_DATA = "2020-2022"
ERA_CURRENT = "current"


@dataclass(frozen=True)
class DataFile:
    name: str  # member name below the archive root
    kind: str  # tweets, follower, following, block, mute, like, note_tweet, grailbird, tweets_csv
    part: int
    manifest_count: int | None = None


@dataclass(frozen=True)
class Owner:
    account_id: int
    screen_name: str | None
    display_name: str | None
    created_at: datetime | None = None
    updated_at: datetime | None = None  # account.js ``updatedAt`` (2018–19 archives)
    time_zone: str | None = None  # account-timezone.js, a Rails zone name


@dataclass
class Layout:
    era: str
    owner: Owner
    generated_at: datetime | None
    files: list[DataFile]
    not_read: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Lists known to be empty though no file holds them (a manifest count of "0").
    empty_lists: frozenset[str] = frozenset()
    # The newest time stamp among the archive's files: when the archive was made, roughly.
    files_made_at: datetime | None = None

    @property
    def lists(self) -> frozenset[str]:
        """The lists (``LIST_KINDS``) this archive holds: a missing one is unknown, not empty."""
        return frozenset(f.kind for f in self.files if f.kind in LIST_KINDS) | self.empty_lists

    @property
    def has_follow_lists(self) -> bool:
        return {"follower", "following"} <= self.lists

    @property
    def has_tweets(self) -> bool:
        return any(f.kind in ("tweets", "grailbird", "tweets_csv") for f in self.files)


def detect(source: ArchiveSource) -> Layout:
    layout = _detect(source)
    layout.files_made_at = source.newest_member_time()
    if not layout.has_tweets:
        layout.warnings.append(
            "This archive holds no tweets file (tweets.js, tweet.js or tweets.csv): only the "
            "account and its lists were imported."
        )
    return layout


def _detect(source: ArchiveSource) -> Layout:
    names = source.names
    present = set(names)
    if (
        "tweets.csv" in present
        or "data/js/tweet_index.js" in present
        or any(_GRAILBIRD_RE.match(n) for n in names)
    ):
        return _classic_layout(source)
    if "data/manifest.js" in present:
        return _with_time_zone(source, _manifest_layout(source, "data/"), "data/")
    for data_dir in ("data/", ""):
        if any(data_dir + n in present for n in ("tweets.js", "tweet.js", "account.js")):
            return _with_time_zone(source, _globbed_layout(source, data_dir), data_dir)
    raise UserError(
        with_files(
            f"{source.path.name} does not look like a Twitter/X archive: it holds neither "
            "tweets nor the table of contents every archive has",
            "tweets.js, tweet.js, tweets.csv or data/manifest.js",
        )
    )


def _with_time_zone(source: ArchiveSource, layout: Layout, data_dir: str) -> Layout:
    """The zone the person set (``account-timezone.js``, 2018 on), for counting hours on their
    own clock. A damaged file costs only that (hours in UTC), and the import says so."""
    name = data_dir + "account-timezone.js"
    if not source.has(name):
        return layout
    try:
        with source.open(name) as f:
            records = load_small(f, name)
    except UserError:
        layout.warnings.append(damaged(name, "when you post is counted in UTC instead"))
        return layout
    first = records[0] if isinstance(records, list) and records else None
    zone = _text(_dict(_dict(first).get("accountTimezone")).get("timeZone"))
    layout.owner = replace(layout.owner, time_zone=zone)
    return layout


def _parse_iso(value: object) -> datetime | None:
    """An ISO-8601 time, or epoch milliseconds (2018 ``account.js`` writes "1346793019000")."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        try:
            when = datetime.fromtimestamp(int(value) / 1000, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
        return when if when.year >= 2006 else None  # Twitter began in 2006
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _parse_classic_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None)


def _glob_data_files(names: list[str], data_dir: str) -> tuple[list[DataFile], list[str]]:
    """Data files we read in *data_dir* (by name), and the other files there we don't."""
    files: list[DataFile] = []
    other: list[str] = []
    for name in names:
        if not name.startswith(data_dir) or "/" in name[len(data_dir) :]:
            continue
        base = name[len(data_dir) :]
        for kind, pattern in KINDS.items():
            match = pattern.match(base)
            if match:
                files.append(DataFile(name, kind, int(match.group(1) or 0)))
                break
        else:
            if base.endswith(".js") and base not in _READ_ELSEWHERE:
                other.append(name)
    return files, other


def _read_owner(source: ArchiveSource, data_dir: str, fallback: dict | None = None) -> Owner:
    name = data_dir + "account.js"
    account: dict = {}
    if source.has(name):
        with source.open(name) as f:
            records = load_small(f, name)
        if isinstance(records, list) and records:
            first = records[0]
            account = _dict(first.get("account", first)) if isinstance(first, dict) else {}
    fallback = fallback if isinstance(fallback, dict) else {}
    # Only these fields are read: the email and phone number in account.js are never touched.
    raw_id = account.get("accountId") or fallback.get("accountId")
    if not raw_id:
        raise UserError(
            with_files(
                f"{source.path.name} has no readable account details, so the account it "
                "belongs to is unknown",
                name,
            )
        )
    account_id = _account_id(raw_id)
    if account_id is None:
        raise UserError(
            damaged(name, "its account id is not a number, so the account it belongs to is unknown")
        )
    return Owner(
        account_id=account_id,
        screen_name=_text(account.get("username")) or _text(fallback.get("userName")),
        display_name=_text(account.get("accountDisplayName")) or _text(fallback.get("displayName")),
        created_at=_parse_iso(account.get("createdAt")),
        updated_at=_parse_iso(account.get("updatedAt")),
    )


def _account_id(value: object) -> int | None:
    """An account id written as digits (or a JSON integer), else None: never "1e5" or 1.5."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    return None


def _text(value: object) -> str | None:
    """A name field: a string, or None for anything else (a number, a list)."""
    return value if isinstance(value, str) and value else None


def _manifest_layout(source: ArchiveSource, data_dir: str) -> Layout:
    with source.open(data_dir + "manifest.js") as f:
        manifest = load_small(f, data_dir + "manifest.js")
    if not isinstance(manifest, dict):
        raise UserError(damaged(data_dir + "manifest.js", "it does not describe the archive"))
    owner = _read_owner(source, data_dir, _dict(manifest.get("userInfo")))
    generated = _parse_iso(_dict(manifest.get("archiveInfo")).get("generationDate"))
    globbed, other = _glob_data_files(source.names, data_dir)
    listed: dict[str, DataFile] = {}
    warnings: list[str] = []
    empty: set[str] = set()
    # A damaged manifest's odd parts are passed over: the files found by name are read anyway
    # (each "not listed in the manifest"), so nothing is lost by it.
    for key, spec in _dict(manifest.get("dataTypes")).items():
        kind = _MANIFEST_KINDS.get(key)
        if kind is None or not isinstance(spec, dict):
            continue
        entries = spec.get("files")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("fileName"), str):
                continue
            file_name = entry["fileName"].lstrip("/")
            count = _int_or_none(entry.get("count"))
            if not source.has(file_name):
                if count == 0:
                    empty.add(kind)
                else:
                    warnings.append(_missing_sentence(file_name, kind, count))
                continue
            match = _PART_RE.search(file_name)
            listed[file_name] = DataFile(
                file_name, kind, int(match.group(1)) if match else 0, count
            )
    files = list(listed.values())
    for extra in globbed:
        if extra.name not in listed:
            warnings.append(_unlisted_sentence(extra))
            files.append(extra)
    tweet_names = {f.name.rsplit("/", 1)[-1] for f in files if f.kind == "tweets"}
    era = (
        ERA_DATA
        if any(n.startswith("tweet.") or n.startswith("tweet-") for n in tweet_names)
        else (ERA_CURRENT)
    )
    held = {f.kind for f in files}
    return Layout(era, owner, generated, files, sorted(other), warnings, frozenset(empty - held))


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _missing_sentence(file_name: str, kind: str, count: int | None) -> str:
    what = KIND_WORDS.get(kind, ("a part of the archive", "record"))[0]
    part = "Part of " if _PART_RE.search(file_name) and kind == "tweets" else ""
    what = f"{part}{what}" if part else what[0].upper() + what[1:]
    listed = f" (its table of contents lists {number(count)})" if count else ""
    unknown = ", so they are unknown for this archive, not zero" if kind in LIST_KINDS else ""
    verb = "are" if kind in _MANY and not part else "is"
    return with_files(f"{what} {verb} missing from this archive{listed}{unknown}", file_name)


def _unlisted_sentence(extra: DataFile) -> str:
    what = KIND_WORDS.get(extra.kind, ("a part of the archive", "record"))[0]
    return with_files(
        f"The archive's table of contents does not list {what}; it was read anyway", extra.name
    )


def _globbed_layout(source: ArchiveSource, data_dir: str) -> Layout:
    owner = _read_owner(source, data_dir)
    files, other = _glob_data_files(source.names, data_dir)
    era = ERA_ROOT if data_dir == "" else ERA_DATA
    tweet_names = {f.name.rsplit("/", 1)[-1] for f in files if f.kind == "tweets"}
    if data_dir and any(n.startswith("tweets") for n in tweet_names):
        era = ERA_CURRENT
    return Layout(era, owner, None, files, sorted(other))


def _classic_layout(source: ArchiveSource) -> Layout:
    def small(name: str) -> object:
        if not source.has(name):
            return None
        with source.open(name) as f:
            return load_small(f, name)

    user = _mapping(small("data/js/user_details.js"))
    payload = _mapping(small("data/js/payload_details.js"))
    index = small("data/js/tweet_index.js")
    account_id = _account_id(user.get("id"))
    if account_id is None:
        raise UserError(
            with_files(
                "This classic tweet archive has no readable account details, so the account it "
                "belongs to is unknown",
                "data/js/user_details.js",
            )
        )
    owner = Owner(
        account_id,
        _text(user.get("screen_name")),
        _text(user.get("full_name")),
        _parse_classic_time(_text(user.get("created_at"))),
    )
    expected = {
        str(e.get("file_name", "")).replace("\\/", "/"): _int_or_none(e.get("tweet_count"))
        for e in (index if isinstance(index, list) else [])
        if isinstance(e, dict)
    }
    files: list[DataFile] = []
    for name in source.names:
        match = _GRAILBIRD_RE.match(name)
        if match:
            part = int(match.group(1)) * 100 + int(match.group(2))
            files.append(DataFile(name, "grailbird", part, expected.pop(name, None)))
    warnings = [_missing_month_sentence(name) for name in expected]
    if not files and source.has("tweets.csv"):
        files.append(DataFile("tweets.csv", "tweets_csv", 0))
    warnings.append(
        "A classic tweet archive has no follower or following lists: the follow-back checklist "
        "and reciprocity need a newer archive."
    )
    generated = _parse_classic_time(_text(payload.get("created_at")))
    return Layout(ERA_CLASSIC, owner, generated, files, [], warnings)


def _missing_month_sentence(name: str) -> str:
    match = _GRAILBIRD_RE.match(name)
    when = (
        datetime(int(match[1]), int(match[2]), 1).strftime("of %B %Y")
        if match and 1 <= int(match[2]) <= 12
        else "of one month"
    )
    return with_files(f"Your tweets {when} are missing from this archive", name)


def _mapping(value: object) -> dict[str, object]:
    """A classic file's object, or an empty one when the file is missing or holds something
    else (a list, a number): its fields then read as absent, never as an error."""
    return value if isinstance(value, dict) else {}


def _int_or_none(value: object) -> int | None:
    """A count from a JSON value (a number or a numeric string); None for anything else."""
    if not isinstance(value, str | int | float):
        return None
    try:
        return int(value)
    except (ValueError, OverflowError):
        return None
