"""Precision on ordinary accounts and blast recall on sales accounts (issue: "precision on real
accounts is a number you keep").

    python -m bench.precision_bench [--tweets 20000] [--seeds 5] [--eras current classic]

Generated archives in the real shapes of ordinary personal and developer accounts (photos,
media-only posts, one-word replies in several languages, canned thank-yous, everyday sentences
with "order", "store", "free", "price"…) and of sales accounts (50 catalogue messages re-sent 24
times each, with prefixes, suffixes, hashtag and mention runs, new prices and links, sentences
moved), in the archive formats of every era.
Targets: ordinary accounts ≤ 1 % promotional and ≤ 1 % repetition, no cluster without a message;
sales accounts: blast recall ≥ 0.98, pairwise precision ≥ 0.99, one blast per re-sent message.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from testkit.archivegen import ERAS_ALL
from testkit.precision import Evaluation, evaluate, ordinary_spec, sales_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tweets", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--eras", nargs="*", default=list(ERAS_ALL), choices=ERAS_ALL)
    args = parser.parse_args()
    print(
        f"{'account':<14} {'era':<10} {'tweets':>7} {'promotion':>9} {'repetition':>10} "
        f"{'blasts':>9} {'largest':>7} {'templates':>9} {'no-message':>10} "
        f"{'blast recall':>12} {'pair precision':>14}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.seeds):
            for era in args.eras:
                for label, make in (("ordinary", ordinary_spec), ("sales", sales_spec)):
                    seed = 1000 + n
                    folder = Path(tmp) / f"{label}-{seed}-{era}"
                    folder.mkdir()
                    _row(
                        f"{label} {seed}", era, evaluate(make(seed, args.tweets, era), folder, era)
                    )


def _row(label: str, era: str, r: Evaluation) -> None:
    recall = "–" if r.blast_recall is None else f"{r.blast_recall:.3f}"
    precision = "–" if r.pair_precision is None else f"{r.pair_precision:.4f}"
    blasts = f"{r.sales_blasts}/{r.true_blasts}"
    print(
        f"{label:<14} {era:<10} {r.tweets:>7,} {r.promotion_share:>9.2%} "
        f"{r.repetition_share:>10.2%} {blasts:>9} {r.largest_blast:>7} {r.template_messages:>9} "
        f"{r.clusters_without_a_message:>10} {recall:>12} {precision:>14}",
        flush=True,
    )


if __name__ == "__main__":
    main()
