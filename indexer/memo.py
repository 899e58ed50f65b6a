"""A bounded memo that hot loops can read at C speed."""

from __future__ import annotations

from collections.abc import Callable, Hashable


class Memo(dict):
    """``key -> make(key)``, made on the first look-up and kept while fewer than ``limit`` are held.

    A dict, not an ``lru_cache``: an indexing loop maps ``memo.__getitem__``
    over millions of words at C speed, where a cached function costs a Python
    call per word.  Past the limit values are still made, just not kept, so a
    process that runs for weeks stays bounded.
    """

    __slots__ = ("make", "limit")

    def __init__(self, make: Callable[[Hashable], object], limit: int):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key):
        value = self.make(key)
        if len(self) < self.limit:
            self[key] = value
        return value
