"""Prometheus metrics of one bot process, served at /metrics by the webhook server."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.digests.compose import BeforeSend, DeliveryError, Sender

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The counters; one registry per process (and per test), never the global one."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "newsbot_updates",
            "Telegram updates received by this process, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.update_seconds = Histogram(
            "newsbot_update_seconds",
            "Time from receiving an update to having answered it (questions included)",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.digest_messages = Counter(
            "newsbot_digest_messages",
            "Digest messages sent or failed by this process",
            ["result"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "newsbot_update_queue_depth",
            "Updates received and not yet answered by this process",
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)


class CountingSender:
    """A digest Sender that counts what went out and what failed."""

    def __init__(self, inner: Sender, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def send(self, chat_id: int, html: str, *, before_send: BeforeSend | None = None) -> None:
        """Send through the wrapped sender, counting the outcome."""
        try:
            await self._inner.send(chat_id, html, before_send=before_send)
        except DeliveryError:
            self._metrics.digest_messages.labels("failed").inc()
            raise
        self._metrics.digest_messages.labels("sent").inc()
