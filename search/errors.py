"""The query side's one error for bad input (a 400 on the web, a usage error in the CLI)."""

from __future__ import annotations


class BadRequest(ValueError):
    """A parameter is out of range or malformed; the message says which and why."""

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter
