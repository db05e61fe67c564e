"""The consultant CSV set."""
