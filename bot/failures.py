"""Plain words for failures of the machine underneath (full disk, read-only database)."""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError

SAFE = "Everything saved before is safe"
DISK_FULL = (
    f"I could not save that: the archive's disk is full. {SAFE}; "
    "please send it again once an admin has made room."
)
READ_ONLY = (
    f"I could not save that: the archive is read-only right now. {SAFE}; "
    "please send it again later."
)
BUSY = f"The archive is busy right now and I could not finish that. {SAFE}; please try again."

_FULL_MARKS = ("disk is full", "no space left", "disk full", "diskfull")
_READ_ONLY_MARKS = ("readonly", "read-only", "read only")


def storage_failure_text(error: BaseException | None) -> str | None:
    """The reply for a storage failure a user should hear about, or None for other errors."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return DISK_FULL
        if isinstance(error, OSError) and error.errno == errno.EROFS:
            return READ_ONLY
        if isinstance(error, DBAPIError | OSError):
            text = str(error).lower()
            if any(mark in text for mark in _FULL_MARKS):
                return DISK_FULL
            if any(mark in text for mark in _READ_ONLY_MARKS):
                return READ_ONLY
            if "database is locked" in text:
                return BUSY
        error = error.__cause__ or error.__context__
    return None
