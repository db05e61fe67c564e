"""constraints.txt pins one version of everything archivelens is tested with and built from;
pyproject.toml gives the ranges that work. These tests fail when the two disagree: a
dependency added without a pin, a pin outside its range, or a suite run on other versions than
the ones the app bundles."""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
# The installer build reads the pins with the same function (and refuses versions off them).
from check_installer import off_pin, read_pins  # noqa: E402


def disagreements(requirements: list[str], pins: dict[str, Version]) -> list[str]:
    """Each requirement without a pin, or whose pin is outside its range. Markers are not
    evaluated: one file serves every Python and platform, so a pin must satisfy each variant."""
    problems = []
    for text in requirements:
        req = Requirement(text)
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req.name} is not pinned in constraints.txt")
        elif not req.specifier.contains(pin, prereleases=True):
            problems.append(f"{req.name}=={pin} is outside pyproject's {req.specifier}")
    return problems


def project_requirements() -> tuple[list[str], list[str]]:
    """(the runtime dependencies, every extra's) from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return project["dependencies"], extras


def test_every_dependency_is_pinned_within_its_range() -> None:
    pins = read_pins((ROOT / "constraints.txt").read_text(encoding="utf-8"))
    runtime, extras = project_requirements()
    assert disagreements(runtime + extras, pins) == []


def test_the_suite_runs_on_the_pinned_versions() -> None:
    """What the tests exercise is what the app ships: installed without the constraints (a
    newer DuckDB, Qt …), the suite would pass or fail on versions no one gets. The installer
    build refuses to start on the same finding (scripts/check_installer.py)."""
    pins = read_pins((ROOT / "constraints.txt").read_text(encoding="utf-8"))
    assert off_pin(pins) == [], "reinstall with: pip install -c constraints.txt -e '.[test]'"


def test_a_missing_or_out_of_range_pin_is_found() -> None:
    """The checks above can fail: the same functions on a pyproject and a constraints file
    that disagree."""
    pins = read_pins("duckdb==1.4.0\n# a comment\nNumPy==2.0  # trailing note\n")
    assert pins == {"duckdb": Version("1.4.0"), "numpy": Version("2.0")}
    found = disagreements(["duckdb>=2.0", "numpy>=1.24", "xlsxwriter>=3.3,<4"], pins)
    assert found == [
        "duckdb==1.4.0 is outside pyproject's >=2.0",
        "xlsxwriter is not pinned in constraints.txt",
    ]
    assert off_pin({"duckdb": Version("1.4.0"), "no-such-distribution": Version("1")}) == [
        f"duckdb {metadata.version('duckdb')} (pinned 1.4.0)"
    ]


def test_a_constraint_names_one_version() -> None:
    for text in ("duckdb>=2.0\n", "duckdb==2.0\nDuckDB==2.1\n", "==2.0\n"):
        try:
            read_pins(text)
        except ValueError:
            continue
        raise AssertionError(f"{text!r} was accepted")
