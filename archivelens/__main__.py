"""``archivelens`` with no arguments (or ``--demo``) opens the app; anything else is the CLI."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from archivelens import cli

    keep_files_private()
    return cli.main(sys.argv[1:] if argv is None else argv)


def keep_files_private() -> None:
    """Everything archivelens writes (the library, DuckDB's .wal beside it, spill and temp
    files, exports) holds a person's private data: readable by its owner only (0600)."""
    if os.name == "posix":
        os.umask(os.umask(0o077) | 0o077)


if __name__ == "__main__":
    sys.exit(main())
