"""Faults in what a person can type: the sales lexicon (analysis settings) and dates."""

from __future__ import annotations

from tests.faults import fault  # noqa: F401
