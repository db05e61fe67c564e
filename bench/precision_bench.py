"""Precision on ordinary accounts and blast recall on sales accounts (issue: "precision on real
accounts is a number you keep").

    python -m bench.precision_bench [--tweets 20000] [--seeds 5]

Generated archives in the real shapes of ordinary personal and developer accounts (photos,
media-only posts, one-word replies in several languages, canned thank-yous, everyday sentences
with "order", "store", "free", "price"…) and of sales accounts (the same catalogue re-sent).
Targets: ordinary accounts ≤ 1 % promotional and ≤ 1 % repetition; sales-blast recall ≥ 0.97.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.precision import evaluate, ordinary_spec, sales_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tweets", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{'account':<14} {'tweets':>7} {'promotion':>9} {'repetition':>10} "
        f"{'blasts':>6} {'templates':>9} {'no-message':>10} {'blast recall':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.seeds):
            for label, make in (("ordinary", ordinary_spec), ("sales", sales_spec)):
                seed = 1000 + n
                folder = Path(tmp) / f"{label}-{seed}"
                folder.mkdir()
                r = evaluate(make(seed, args.tweets), folder)
                recall = "–" if r.blast_recall is None else f"{r.blast_recall:.3f}"
                print(
                    f"{label + ' ' + str(seed):<14} {r.tweets:>7,} {r.promotion_share:>9.2%} "
                    f"{r.repetition_share:>10.2%} {r.sales_blasts:>6} {r.template_messages:>9} "
                    f"{r.clusters_without_a_message:>10} {recall:>12}"
                )


if __name__ == "__main__":
    main()
