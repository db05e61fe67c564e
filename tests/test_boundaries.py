"""The core never imports Qt: it must work where PySide6 is missing."""

from __future__ import annotations

import subprocess
import sys

CORE = (
    "archivelens.cli",
    "archivelens.pipeline",
    "archivelens.archive",
    "archivelens.store.ingest",
    "archivelens.analysis.report",
    "archivelens.analysis.browse",
    "archivelens.analysis.network",
    "archivelens.analysis.changes",
    "archivelens.export.csvset",
)


def test_core_imports_without_qt():
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None  # any import of PySide6 now fails\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "assert not any(k.startswith('PySide6') and sys.modules[k] for k in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
