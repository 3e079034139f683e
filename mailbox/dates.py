"""The dates a mail carries (Date:, Received:, INTERNALDATE), believed only when plausible."""

from __future__ import annotations

from datetime import datetime, timezone

# The dates a mail may claim that the gateway works with: any other is ignored (a Date: of year 9999
# moved into a time zone or to the next office day is past what a datetime holds).
PLAUSIBLE_YEARS = range(1970, 3000)


def plausible(when: datetime | None) -> datetime | None:
    """The date if it lies in PLAUSIBLE_YEARS and has a time zone, else None."""
    if when is None or when.tzinfo is None:
        return None
    try:
        return when if when.astimezone(timezone.utc).year in PLAUSIBLE_YEARS else None
    except (OverflowError, ValueError):
        return None
