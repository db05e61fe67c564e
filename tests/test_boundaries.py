"""The core never imports Qt: every module outside ``archivelens.gui`` imports where PySide6 is
missing. (The import contract in pyproject.toml checks the same statically, with the layers;
this proves it at run time, on every module the package has — none is listed by hand.)"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import archivelens


def _core_modules() -> list[str]:
    found = pkgutil.walk_packages(archivelens.__path__, "archivelens.")
    return sorted(
        m.name
        for m in found
        if not m.name.startswith(("archivelens.gui", "archivelens.resources"))
        and m.name != "archivelens.__main__"
    )


def test_every_core_module_imports_without_qt():
    modules = _core_modules()
    assert {"archivelens.export.workbook", "archivelens.export.xlsx_rows"} <= set(modules)
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None  # any import of PySide6 now fails\n"
        + "".join(f"import {m}\n" for m in modules)
        + "assert not any(k.startswith('PySide6') and sys.modules[k] for k in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_command_line_runs_without_qt(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        "from archivelens.__main__ import main\n"
        f"sys.exit(main(['report', '--db', {str(tmp_path / 'lib.duckdb')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("archivelens: error: The library is empty"), result.stderr
