"""One generation date and one end date per era, and a spec for each: archives of different
eras are different snapshots of one account, dated as that era's real archives were."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from testkit.archivegen.story import Spec

# One generation date per era, so archives of different eras are different snapshots.
GENERATED = {
    "current": datetime(2023, 7, 2, 7, 32, 42),
    "2020-2022": datetime(2021, 11, 5, 10, 0, 0),
    "2018-2020": None,  # no manifest: the importer estimates it from the newest tweet
    "classic": datetime(2019, 4, 30, 23, 59, 59),
}
ERA_END = {
    "current": datetime(2023, 6, 30),
    "2020-2022": datetime(2021, 10, 31),
    "2018-2020": datetime(2019, 6, 1),
    "classic": datetime(2019, 4, 1),
}


def era_spec(era: str, **overrides: object) -> Spec:
    spec = Spec(end=ERA_END[era], generated_at=GENERATED[era] or ERA_END[era], **overrides)
    if era != "current":
        spec = replace(spec, edited=0, notes=0)  # edits and long posts came in 2022–23
    return spec
