"""Reading sources: files and folders of press items (raw wire text, JSON Lines, feeds,
saved pages) as a stream of ``Record``s, with a ``Problem`` for what cannot be read."""

from .readers import read_file, sniff, walk
from .records import MAX_ITEM_CHARS, Problem, Record, decode

__all__ = ["MAX_ITEM_CHARS", "Problem", "Record", "decode", "read_file", "sniff", "walk"]
