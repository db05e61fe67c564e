"""Finding and reading a Twitter/X archive of any era. No knowledge of the library lives here."""

from archivelens.archive.layout import DataFile, Layout, Owner, detect
from archivelens.archive.source import ArchiveSource
from archivelens.archive.staging import Chunk, ChunkStream

__all__ = ["ArchiveSource", "Chunk", "ChunkStream", "DataFile", "Layout", "Owner", "detect"]
