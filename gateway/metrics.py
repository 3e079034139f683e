"""The daemon's Prometheus endpoint (`metrics: {host, port}`; loopback unless another address is
stated): GET /metrics on that port while `qlvb-gateway run` runs.

Two kinds of figures. What this process did since it started (counters and a histogram, as
Prometheus expects of a process: `rate()` copes with restarts): mails taken in by verdict, mails
that could not be processed, the time from a mail's arrival in the mailbox (its INTERNALDATE, set
by the server at APPEND or delivery) to its filing. And what the register holds, read at each
scrape so that it is true whoever wrote it (the daemon, `ingest`, another gateway): each mailbox's
backlog, whether it is connected and how long it has been failing, the outbox by state and how long its oldest answer
has waited on a submission server that takes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from gateway.config import ConfigError, Metrics
from gateway.model import MailOutcome
from registry.database import normalise_url

log = logging.getLogger("qlvb.metrics")

VERDICTS = ("accepted", "duplicate", "returned", "quarantined", "ignored")
# seconds from APPEND to filed: the idle path files within a second, a backlog within minutes
LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class DaemonMetrics:
    """The figures of one daemon; served only when `metrics:` is configured (counting costs nothing)."""

    def __init__(self, database_url: str) -> None:
        self.registry = CollectorRegistry()
        self.mails = Counter("qlvb_mails", "Mails taken in from the mailboxes, by verdict", ["verdict"],
                             registry=self.registry)
        for verdict in VERDICTS:
            self.mails.labels(verdict)
        self.failures = Counter("qlvb_processing_failures", "Mails that could not be processed "
                                "(quarantined with processing-failed)", registry=self.registry)
        self.latency = Histogram("qlvb_append_to_filed_seconds", "From a mail's arrival in the mailbox "
                                 "(INTERNALDATE) to its filing in the folder of its verdict",
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(RegisterCollector(database_url))
        self._server: Any = None

    def taken(self, outcome: MailOutcome) -> None:
        """A mail through intake (the mail's verdict is its first document's)."""
        if outcome.already_processed:
            return  # seen before a crash: counted by the run that processed it
        self.mails.labels(outcome.verdict).inc()
        if outcome.failed:
            self.failures.inc()

    def filed(self, arrivals: Iterable[datetime | None]) -> None:
        """Mails just filed, by the time they arrived in the mailbox."""
        now = datetime.now(timezone.utc)
        for arrival in arrivals:
            if arrival is not None:
                self.latency.observe(max(0.0, (now - arrival).total_seconds()))

    def serve(self, settings: Metrics) -> None:
        try:
            self._server, _ = start_http_server(settings.port, addr=settings.host, registry=self.registry)
        except OSError as exc:  # the port taken, or an address not of this host
            raise ConfigError(f"metrics: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class RegisterCollector(Collector):
    """The register's state at each scrape, read outside any write transaction (on SQLite a plain
    read in WAL mode: the daemon's writer is never waited for, nor made to wait)."""

    def __init__(self, database_url: str) -> None:
        self.engine = _reading_engine(database_url)

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("qlvb_register_up", "Whether the register could be read for this scrape")
        try:
            with self.engine.connect() as connection:
                mailboxes = connection.execute(text(
                    "SELECT name, connected, backlog, failing_since FROM mailbox_state ORDER BY name")).all()
                outbox: dict[str, int] = dict(connection.execute(text("SELECT state, count(*) FROM outbox GROUP BY state")).all())
                untried = connection.execute(text(  # the oldest answer never put to the submission server (it is down)
                    "SELECT min(created_at) FROM outbox WHERE state = 'queued' AND attempts = 0 AND last_error IS NOT NULL"
                )).scalar()
        except SQLAlchemyError as exc:
            log.warning("metrics: the register cannot be read: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        backlog = GaugeMetricFamily("qlvb_mailbox_backlog", "Mails waiting in the mailbox's inbox", labels=["mailbox"])
        connected = GaugeMetricFamily("qlvb_mailbox_connected", "Whether the daemon is connected", labels=["mailbox"])
        failing = GaugeMetricFamily("qlvb_mailbox_failing_seconds", "How long the mailbox has been failing "
                                    "(0: it is not)", labels=["mailbox"])
        now = datetime.now(timezone.utc)
        for name, is_connected, waiting, since in mailboxes:
            backlog.add_metric([name], waiting or 0)
            connected.add_metric([name], 1 if is_connected else 0)
            failing.add_metric([name], _seconds_since(since, now))
        queue = GaugeMetricFamily("qlvb_outbox_messages", "Answers in the outbox, by state (queued: waiting to be sent)",
                                  labels=["state"])
        for state in ("queued", "sent", "failed"):
            queue.add_metric([state], outbox.get(state, 0))
        waiting = GaugeMetricFamily("qlvb_outbox_untried_seconds", "How long the oldest answer has waited for a submission "
                                    "server that takes nothing (0: none waits so)")
        waiting.add_metric([], _seconds_since(untried, now))
        yield from (backlog, connected, failing, queue, waiting)


def _reading_engine(url: str) -> Engine:
    """An engine for reads only (registry.database's takes SQLite's write lock at every BEGIN)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": 5}, poolclass=NullPool)
    return create_engine(url, pool_pre_ping=True, poolclass=NullPool)


def _seconds_since(value: datetime | str | None, now: datetime) -> float:
    if value is None:
        return 0.0
    if isinstance(value, str):  # SQLite hands the text back through a plain query
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # stored as UTC (registry.models.UtcDateTime)
    return max(0.0, (now - value).total_seconds())
