"""Jinja's templates compiled once a process, not once an environment: every command run in a process (the suite's,
a cron job's) and every desk made a new environment, and parsed and compiled each template again (53 ms of the 240 of
an `ingest` of one mail, stop 47). Jinja's own bytecode cache, kept in memory: a template whose source changed is
compiled again (its checksum is the key's part)."""

from __future__ import annotations

import threading

import jinja2


class _InMemory(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code


COMPILED: jinja2.BytecodeCache = _InMemory()
