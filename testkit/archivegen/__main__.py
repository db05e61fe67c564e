"""Write a synthetic archive: ``python -m testkit.archivegen OUT --era current --tweets 5000``."""

from __future__ import annotations

import argparse
from pathlib import Path

from testkit.archivegen import ERAS_ALL, Options, Spec, build_story, write_archive

# resources/sample-archive.zip: a small, lively account (python -m testkit.archivegen --sample OUT)
SAMPLE = Spec(
    seed=2023,
    tweets=1200,
    followers=900,
    following=420,
    mutuals=260,
    people=160,
    blocks=6,
    mutes=4,
    likes=300,
    edited=8,
    notes=4,
    blast_clusters=8,
    blast_size=6,
    thanks_replies=6,
    engagement=True,  # counts that differ by kind, as a real account's do (the demo shows them)
    time_zone="Lisbon",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--era", choices=ERAS_ALL, default="current")
    parser.add_argument("--tweets", type=int, default=2000)
    parser.add_argument("--followers", type=int, default=800)
    parser.add_argument("--following", type=int, default=400)
    parser.add_argument("--parts", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folder", action="store_true", help="write a folder, not a zip")
    parser.add_argument(
        "--sample",
        action="store_true",
        help="the sample archive shipped in resources/ (other sizes ignored)",
    )
    args = parser.parse_args()
    if args.sample:
        spec = SAMPLE
        written = write_archive(build_story(spec), "current", args.out, Options())
        print(f"wrote the sample archive {written.path}")
        return
    spec = Spec(
        seed=args.seed,
        tweets=args.tweets,
        followers=args.followers,
        following=args.following,
        mutuals=min(args.followers, args.following) // 3,
        people=max(20, min(5000, args.tweets // 20)),
    )
    story = build_story(spec)
    written = write_archive(
        story, args.era, args.out, Options(as_zip=not args.folder, parts=args.parts)
    )
    print(f"wrote {written.path} ({args.era}): {story.kind_counts()}")


if __name__ == "__main__":
    main()
