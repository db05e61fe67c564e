"""Faults around the archive: the library file, exports and settings under everything a machine or a
person can do to them (issue 18). One registry of cases; each runs in a process of its own.

    python -m tests.faults [--family F] [--verbose]     # the table of outcomes per family

A case is a plain function ``case(work: Path) -> str`` registered with :func:`fault`. It gets an
empty folder of its own, sets up what it needs (a library, an export, a damaged file), does the
one thing a person or the machine does, and checks how it ended with the helpers in
:mod:`tests.faults.judge` (``refused_cleanly``, ``unchanged``, …). It returns the sentence the
person saw. The harness records each case as:

- ``clean``: the case returned (every check it makes held);
- ``wrong``: a check failed (``AssertionError``: a traceback shown, a library changed, a file
  left behind, a status lost …);
- ``internal``: any other exception escaped the case;
- ``hang``: no answer within the time limit; ``memory``: over the peak allowed.

Family modules (``library``, ``exports``, ``settings`` …) register their cases when imported;
:data:`FAMILIES` lists them. ``tests/test_faults.py`` runs every case in the suite.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import resource
import shutil
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 120.0  # seconds per case
MEMORY_LIMIT = 1536 << 20  # peak resident bytes allowed for one case
OUTCOMES = ("clean", "wrong", "internal", "hang", "memory")

# Modules of cases, imported in this order (each registers its cases with @fault).
FAMILIES: tuple[str, ...] = ("library", "journal", "report", "exports", "settings", "leftovers")

CaseFn = Callable[[Path], str]


@dataclass(frozen=True)
class Fault:
    family: str
    name: str
    fn: CaseFn
    needs_root: bool = False  # a tiny tmpfs (full disk) or a read-only bind: skipped unless root

    @property
    def key(self) -> str:
        return f"{self.family}/{self.name}"


@dataclass
class Result:
    key: str
    family: str
    outcome: str
    detail: str = ""
    peak: int = 0


REGISTRY: dict[str, Fault] = {}


def fault(family: str, name: str, *, needs_root: bool = False) -> Callable[[CaseFn], CaseFn]:
    """Register the decorated function as the case *family*/*name*."""

    def register(fn: CaseFn) -> CaseFn:
        case = Fault(family, name, fn, needs_root)
        if case.key in REGISTRY:
            raise ValueError(f"two fault cases are called {case.key}")
        REGISTRY[case.key] = case
        return fn

    return register


def all_cases(family: str | None = None) -> list[Fault]:
    for module in FAMILIES:
        importlib.import_module(f"tests.faults.{module}")
    return [c for c in REGISTRY.values() if family in (None, c.family)]


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# -- running a case --


def _context() -> multiprocessing.context.BaseContext:
    """Children forked from a fresh server process, not from the test session: forking a process
    that runs threads (DuckDB's, Qt's) can leave a lock held in the child (see testkit/fuzz.py)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["archivelens.pipeline", "archivelens.cli"])
    return ctx


def run_case(case: Fault, workdir: Path) -> Result:
    """Run one case in a process of its own with a time limit."""
    ctx = _context()
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(case.key, workdir, queue))
    proc.start()
    proc.join(TIME_LIMIT)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return Result(case.key, case.family, "hang")
    try:
        outcome, detail, peak = queue.get(timeout=5)
    except Exception:
        return Result(
            case.key, case.family, "internal", f"case process died (exit {proc.exitcode})"
        )
    if outcome == "clean" and peak > MEMORY_LIMIT:
        outcome, detail = "memory", f"peak {peak >> 20} MB"
    return Result(case.key, case.family, outcome, detail, peak)


def _child(key: str, workdir: Path, queue) -> None:
    try:
        queue.put(_outcome(key, workdir))
    except BaseException as err:  # the harness itself failed: report, never hang the parent
        queue.put(("internal", f"harness: {type(err).__name__}: {err}", 0))


def _outcome(key: str, workdir: Path) -> tuple[str, str, int]:
    family = key.split("/", 1)[0]
    importlib.import_module(f"tests.faults.{family}")
    case = REGISTRY[key]
    tmp = workdir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(tmp)  # scratch folders of the case stay inside its folder
    tempfile.tempdir = None
    os.umask(0o022)  # a case sees the modes the code makes, not the ones a launcher's umask gives
    try:
        detail = case.fn(workdir)
        outcome = "clean"
    except AssertionError as err:
        outcome, detail = "wrong", (str(err) or traceback.format_exc(limit=-2)).strip()
    except Exception as err:
        outcome = "internal"
        detail = f"{type(err).__name__}: {err} @ {traceback.format_exc(limit=-2).strip()}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return outcome, (detail or "")[:600], peak


def run_all(
    selected: list[Fault], workdir: Path, workers: int = 2, progress: bool = False
) -> list[Result]:
    """Run *selected* cases, *workers* at a time, each in its own process and folder."""
    from concurrent.futures import ThreadPoolExecutor

    def one(item: tuple[int, Fault]) -> Result:
        index, case = item
        folder = workdir / f"case-{index:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            result = run_case(case, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if progress:
            print(f"{result.outcome:<9} {case.key}  {result.detail[:140]}")
        return result

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, enumerate(selected)))


def table(results: list[Result]) -> str:
    """Outcomes per family."""
    families = list(dict.fromkeys(r.family for r in results))
    counts = Counter((r.family, r.outcome) for r in results)
    head = "| family | cases | " + " | ".join(OUTCOMES) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(OUTCOMES)]
    for family in [*families, "all"]:
        rows = [r for r in results if family in ("all", r.family)]
        cells = [
            str(sum(counts[(f, k)] for f in families if family in ("all", f))) for k in OUTCOMES
        ]
        lines.append(f"| {family} | {len(rows)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    selected = [c for c in all_cases(args.family) if is_root() or not c.needs_root]
    with tempfile.TemporaryDirectory() as tmp:
        results = run_all(selected, Path(tmp), progress=args.verbose)
    print(table(results))
    for r in results:
        if r.outcome != "clean":
            print(f"{r.outcome}: {r.key}: {r.detail}")
    peak = max((r.peak for r in results), default=0)
    print(f"{len(results)} cases; peak of one case {peak >> 20} MB")
