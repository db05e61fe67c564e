"""When the account posts is counted on its own clock: the zone account-timezone.js names
(a Rails name), summer time included; an archive without one, or with a damaged one, counts in
UTC and says so."""

from __future__ import annotations

from collections import Counter
from datetime import UTC
from zoneinfo import ZoneInfo

import duckdb
import pytest

from archivelens import pipeline
from archivelens.analysis import engagement, time_zone
from tests.conftest import era_spec


def expected_grid(story, iana: str) -> Counter:
    """Weekday × hour of each own tweet, converted here with Python's zoneinfo."""
    zone = ZoneInfo(iana)
    return Counter(
        (local.weekday(), local.hour)
        for t in story.tweets
        if t.kind != "retweet"
        for local in [t.created_at.replace(tzinfo=UTC).astimezone(zone)]
    )


def grid_counter(grid: list[list[int]]) -> Counter:
    return Counter({(d, h): n for d, row in enumerate(grid) for h, n in enumerate(row) if n})


@pytest.mark.parametrize(
    ("era", "name", "iana"),
    [
        ("current", "Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("2020-2022", "Lisbon", "Europe/Lisbon"),
        ("2018-2020", "New Delhi", "Asia/Kolkata"),  # half an hour off UTC
        ("current", "Chatham Is.", "Pacific/Chatham"),  # 12:45 ahead, summer time too
    ],
)
def test_hours_are_counted_on_the_accounts_clock(make_archive, library, era, name, iana):
    path, story, _ = make_archive(era, spec=era_spec(era, tweets=500, time_zone=name))
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        zone = time_zone.snapshot_zone(con, scope.snapshot_id)
        grid = engagement.posting_hours(con, scope)
    assert (zone.iana, zone.label, zone.known) == (iana, name, True)
    assert name in zone.caption()
    assert grid_counter(grid) == expected_grid(story, iana)
    assert grid_counter(grid) != expected_grid(story, "Etc/UTC")  # the zone changed something


def test_no_zone_counts_in_utc_and_says_so(make_archive, library):
    path, story, _ = make_archive("current", spec=era_spec("current", tweets=300))
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        zone = time_zone.snapshot_zone(con, scope.snapshot_id)
        grid = engagement.posting_hours(con, scope)
    assert not zone.known and "UTC" in zone.caption()
    assert grid_counter(grid) == expected_grid(story, "Etc/UTC")


def test_a_damaged_zone_file_costs_only_the_clock(make_archive, library):
    spec = era_spec("current", tweets=200, time_zone="Berlin")
    path, story, _ = make_archive("current", spec=spec, as_zip=False)
    (path / "data" / "account-timezone.js").write_text("window.YTD.account_timezone.part0 = [{")
    result = pipeline.import_archive(path, library)
    assert any("time zone setting is damaged" in w and "in UTC" in w for w in result.warnings)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        assert not time_zone.snapshot_zone(con, scope.snapshot_id).known
        assert sum(map(sum, engagement.posting_hours(con, scope))) == sum(
            t.kind != "retweet" for t in story.tweets
        )


def test_every_rails_zone_is_one_duckdb_converts():
    con = duckdb.connect()
    known = {row[0] for row in con.execute("SELECT name FROM pg_timezone_names()").fetchall()}
    assert set(time_zone.RAILS_ZONES.values()) <= known
    assert time_zone.zone_of("Atlantis (Lost)") == time_zone.UTC_ZONE
    assert time_zone.zone_of("Europe/Lisbon").iana == "Europe/Lisbon"  # an IANA name as is
