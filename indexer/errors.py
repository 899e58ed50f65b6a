"""What every backend raises when the index cannot be used: none yet, or a reindex running."""


class IndexMissing(FileNotFoundError):
    """There is no index at the given folder yet."""


class IndexBusy(RuntimeError):
    """Another reindex holds the lock."""
