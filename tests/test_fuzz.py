"""The fuzz corpus (testkit/fuzz.py): damaged and hostile variants of an archive, each ending as a
correct import, a warned import stating its loss, or a one-line refusal — never an internal
error, a silent loss, a hang, left-over temp files or a runaway peak."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit import fuzz


@pytest.mark.slow
def test_fuzz_corpus_ends_only_in_correct_warned_or_refused(tmp_path: Path) -> None:
    selected = list(fuzz.cases(seed=1, per_family=85))
    results = fuzz.run_all(selected, tmp_path / "work")
    print("\n" + fuzz.table(results))
    bad = [
        f"{r.outcome}: {r.family} / {r.case}: {r.detail}"
        for r in results
        if r.outcome not in fuzz.OUTCOMES_OK
    ]
    assert not bad, "\n".join(bad)
    assert len(results) >= 300
    # Names such as "../../evil.js" and "/tmp/archivelens-evil.js" were never written anywhere.
    assert not Path("/tmp/archivelens-evil.js").exists()
    assert not list(tmp_path.rglob("evil.js")) and not (tmp_path.parent / "evil.js").exists()


def test_the_registry_gives_every_family_the_same_corpus_for_a_seed() -> None:
    """Families draw from one random stream in registration order: a seed must give the same
    cases twice, and every registered family must give some (a family that yields nothing
    would drop out of the corpus unnoticed)."""
    first = [(c.family, c.name, c.members, c.touched) for c in fuzz.cases(seed=7, per_family=2)]
    again = [(c.family, c.name, c.members, c.touched) for c in fuzz.cases(seed=7, per_family=2)]
    assert first == again
    registered = list(dict.fromkeys(name for name, _ in fuzz.FAMILIES))
    assert list(dict.fromkeys(family for family, *_ in first)) == registered
