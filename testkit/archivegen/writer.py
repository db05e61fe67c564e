"""Write a :class:`Story` as a Twitter/X archive of a given era, in the exact real file formats.

Eras (``archive-format.md``): ``current`` (2022+), ``2020-2022``, ``2018-2020`` and ``classic``.
Output is a .zip (default) or a folder. Files are written as streams, so a 2M-tweet archive never
sits in memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from testkit.archivegen import jackson
from testkit.archivegen.content import Tweet, snowflake
from testkit.archivegen.story import Story


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def twitter_time(when: datetime) -> str:
    return when.strftime("%a %b %d %H:%M:%S +0000 %Y")


def iso_ms(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


# -- sinks ---------------------------------------------------------------------------------------


class Sink:
    """Where archive members go: a zip (streamed, deflated) or a folder."""

    def __init__(self, out: Path, as_zip: bool, prefix: str = "") -> None:
        self.out = out
        self.prefix = prefix
        self._zip = (
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) if as_zip else None
        )
        self.written: dict[str, int] = {}

    @contextmanager
    def member(self, name: str) -> Iterator[IO[bytes]]:
        full = self.prefix + name
        if self._zip is not None:
            with self._zip.open(full, "w", force_zip64=True) as raw:
                yield raw
        else:
            path = self.out / full
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as raw:
                yield raw

    def write(self, name: str, chunks: Iterable[str] | str) -> None:
        with self.member(name) as raw:
            buf = io.BufferedWriter(raw, 1 << 20) if self._zip is None else raw
            if isinstance(chunks, str):
                chunks = (chunks,)
            for chunk in chunks:
                buf.write(chunk.encode("utf-8"))
            if buf is not raw:
                buf.flush()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def records_file(global_name: str, records: Iterable[object], style: str) -> Iterator[str]:
    """Stream a ``<global> = [ … ]`` file record by record, byte-identical to jackson.data_file."""
    first = True
    for record in records:
        if first:
            yield f"{global_name} = " + ("[\n  " if style == "lines" else "[ ")
            first = False
        else:
            yield ",\n  " if style == "lines" else ", "
        yield jackson.dumps(record, style, 2 if style == "lines" else 0)
    if first:
        yield f"{global_name} = [ ]"
    else:
        yield "\n]" if style == "lines" else " ]"


# -- tweet records -------------------------------------------------------------------------------


def _indices(text: str, needle: str) -> list[str]:
    at = max(text.find(needle), 0)
    return [str(at), str(at + len(needle))]


def _entities(t: Tweet, stored: str, owner_handle: str) -> dict:
    mentions = [
        {
            "name": p.name,
            "screen_name": p.handle,
            "indices": _indices(stored, "@" + p.handle),
            "id_str": str(p.account_id),
            "id": str(p.account_id),
        }
        for p in t.mentions
    ]
    if t.unknown_reply_id:
        mentions = [dict(m, id_str="-1", id="-1") for m in mentions]
    urls = [
        {
            "url": short,
            "expanded_url": long,
            "display_url": long.split("://", 1)[-1][:26],
            "indices": _indices(stored, short),
        }
        for short, long in zip(t.tco, t.urls, strict=True)
    ]
    hashtags = [{"text": h, "indices": _indices(stored, "#" + h)} for h in t.hashtags]
    out = {"hashtags": hashtags, "symbols": [], "user_mentions": mentions, "urls": urls}
    if t.photo_tco:
        out["media"] = [photo_entity(t, owner_handle, stored)]
    return out


def photo_link(t: Tweet, owner_handle: str) -> str:
    """The photo's own address: the tweet's status with /photo/1 (what expanded_url says)."""
    return f"https://twitter.com/{owner_handle}/status/{t.tweet_id}/photo/1"


def photo_entity(t: Tweet, owner_handle: str, stored: str) -> dict:
    assert t.photo_tco is not None
    return {
        "expanded_url": photo_link(t, owner_handle),
        "indices": _indices(stored, t.photo_tco),
        "url": t.photo_tco,
        "media_url": f"http://pbs.twimg.com/media/P{t.tweet_id % 10**9}.jpg",
        "id_str": str(t.tweet_id + 7),
        "id": str(t.tweet_id + 7),
        "media_url_https": f"https://pbs.twimg.com/media/P{t.tweet_id % 10**9}.jpg",
        "sizes": {"large": {"w": "1536", "h": "2048", "resize": "fit"}},
        "type": "photo",
        "display_url": "pic.twitter.com/" + t.photo_tco.rsplit("/", 1)[-1],
    }


def tweet_record(
    t: Tweet,
    story: Story,
    era: str,
    *,
    text: str | None = None,
    tweet_id: int | None = None,
    when: datetime | None = None,
    edit: dict | None = None,
    null_reply_keys: bool = True,
) -> dict:
    """One tweet as the archive of *era* writes it (bare: no ``{"tweet": …}`` wrapper)."""
    tid = str(tweet_id or t.tweet_id)
    when = when or t.created_at
    stored = escape(text if text is not None else t.text)
    rec: dict = {}
    if era == "current":
        rec["edit_info"] = edit or {
            "initial": {
                "editTweetIds": [tid],
                "editableUntil": iso_ms(when + timedelta(hours=1)),
                "editsRemaining": "5",
                "isEditEligible": t.kind == "original",
            }
        }
    rec["retweeted"] = False
    rec["source"] = t.source
    rec["entities"] = _entities(t, stored, story.owner.handle)
    if t.photo_tco:
        rec["extended_entities"] = {"media": rec["entities"]["media"]}
    rec["display_text_range"] = ["0", str(len(stored))]
    rec["favorite_count"] = str(t.favorite_count)
    reply = t.reply_to is not None
    if reply:
        rec["in_reply_to_status_id_str"] = str(t.reply_status_id)
    rec["id_str"] = tid
    if reply:
        rec["in_reply_to_user_id"] = "-1" if t.unknown_reply_id else str(t.reply_to.account_id)
    rec["truncated"] = False
    rec["retweet_count"] = str(t.retweet_count)
    rec["id"] = tid
    if reply:
        rec["in_reply_to_status_id"] = str(t.reply_status_id)
    if t.urls:
        rec["possibly_sensitive"] = False
    rec["created_at"] = twitter_time(when)
    rec["favorited"] = False
    rec["full_text"] = stored
    rec["lang"] = t.lang
    if reply:
        rec["in_reply_to_screen_name"] = t.reply_to.handle
        rec["in_reply_to_user_id_str"] = rec["in_reply_to_user_id"]
    elif era == "2018-2020" and null_reply_keys and t.tweet_id % 3 == 0:
        # 2018 exports wrote the reply keys with null values on ordinary tweets.
        for key in (
            "in_reply_to_status_id_str",
            "in_reply_to_user_id",
            "in_reply_to_screen_name",
            "in_reply_to_user_id_str",
            "in_reply_to_status_id",
        ):
            rec[key] = None
    return rec


def current_tweet_records(t: Tweet, story: Story) -> list[dict]:
    """2022+ archives: every edit version is its own record, linked by ``edit_info``."""
    if t.long_note:
        return [tweet_record(t, story, "current", text=t.truncated)]
    if not t.versions:
        return [tweet_record(t, story, "current")]
    all_ids = [str(v[0]) for v in t.versions] + [str(t.tweet_id)]
    first_id, first_when, first_text = t.versions[0]
    control = {
        "editTweetIds": all_ids,
        "editableUntil": iso_ms(first_when + timedelta(hours=1)),
        "editsRemaining": str(5 - len(t.versions)),
        "isEditEligible": True,
    }
    out = [
        tweet_record(
            t,
            story,
            "current",
            text=first_text,
            tweet_id=first_id,
            when=first_when,
            edit={"initial": control},
        )
    ]
    later = [*t.versions[1:], (t.tweet_id, t.created_at, t.text)]
    for vid, vwhen, vtext in later:
        edit = {"edit": {"initialTweetId": str(first_id), "editControlInitial": control}}
        out.append(
            tweet_record(t, story, "current", text=vtext, tweet_id=vid, when=vwhen, edit=edit)
        )
    return out


def note_record(t: Tweet, seq: int) -> dict:
    stamp = iso_ms(t.created_at)
    return {
        "noteTweet": {
            "noteTweetId": str(snowflake(t.created_at, 2_000_000 + seq)),
            "updatedAt": stamp,
            "lifecycle": {
                "value": "self_threads_v1",
                "name": "SelfThreadsV1",
                "originalName": "self_threads_v1",
                "annotations": {},
            },
            "createdAt": stamp,
            "core": {
                "styletags": [],
                "urls": [],
                "text": escape(t.note_text),
                "mentions": [],
                "cashtags": [],
                "hashtags": [],
            },
        }
    }
