"""Mail fetched in batches bounded by count and by bytes, so that a backlog of large mails never
sits in memory at once (limits.batch_mb); a mail larger than the bound, or too large to be read
(limits.max_mail_mb), is a batch of its own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", int, str)


@dataclass(frozen=True)
class Batch(Generic[K]):
    keys: list[K]  # UIDs or Maildir keys, in the order the mails are taken in
    size: int  # their bytes, as the mailbox reports them


def bounded(sized: Iterable[tuple[K, int]], *, count: int, max_bytes: int, alone_above: int) -> Iterator[Batch[K]]:
    """Consecutive mails, at most `count` and `max_bytes` a batch; one above `alone_above` alone."""
    keys: list[K] = []
    total = 0
    for key, size in sized:
        if keys and (len(keys) >= count or total + size > max_bytes or size > alone_above):
            yield Batch(keys, total)
            keys, total = [], 0
        keys.append(key)
        total += size
        if size > alone_above:
            yield Batch(keys, total)
            keys, total = [], 0
    if keys:
        yield Batch(keys, total)
