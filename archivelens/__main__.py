"""``archivelens`` with no arguments (or ``--demo``, or an archive) opens the app; a command
(``import``, ``report``, ``export`` …) runs the CLI. The choice is made here, so the CLI never
imports the GUI and the GUI never imports the CLI (the import contract in pyproject.toml)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from archivelens import cli

    keep_files_private()
    argv = sys.argv[1:] if argv is None else argv
    if cli.wants_a_command(argv):
        return cli.main(argv)
    try:
        args = cli.build_app_parser().parse_args(argv)
    except SystemExit:  # --version, --help or a usage error: no app, still a run that cleans
        from archivelens.pipeline import remove_leftovers

        remove_leftovers()  # (the app itself does it once its first window is up)
        raise
    try:
        from archivelens.gui.app import run
    except ImportError as err:
        cli.error(f"the desktop app cannot start: {err}.")
        return 1
    return int(run(demo=args.demo, library=args.db, archive=args.archive))


def keep_files_private() -> None:
    """Everything archivelens writes (the library, DuckDB's .wal beside it, spill and temp
    files, exports) holds a person's private data: readable by its owner only (0600)."""
    if os.name == "posix":
        os.umask(os.umask(0o077) | 0o077)


if __name__ == "__main__":
    sys.exit(main())
