"""The fault-injection suite (tests/faults): every case around the library file, exports and
settings ends clean — one sentence naming the cause, nothing already stored lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import faults


@pytest.mark.slow
def test_every_fault_case_ends_clean(tmp_path: Path) -> None:
    selected = [c for c in faults.all_cases() if faults.is_root() or not c.needs_root]
    if not selected:
        pytest.skip("no fault families registered yet")
    results = faults.run_all(selected, tmp_path / "work")
    print("\n" + faults.table(results))
    bad = [f"{r.outcome}: {r.key}: {r.detail}" for r in results if r.outcome != "clean"]
    assert not bad, "\n".join(bad)
