"""Prometheus metrics of the gateway: accepted, dropped and rejected, publish latency.

Labels are fixed sets (registry type names, drop and rejection reasons), never registry ids.
Each gateway has its own registry, so several gateways in one process (tests) do not mix.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

UNKNOWN_TYPE = "unknown"
_LATENCY_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
)  # fmt: skip


class GatewayMetrics:
    """The gateway's counters and histograms, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.deliveries = Counter(
            "regsieve_gateway_deliveries",
            "Webhook deliveries answered, by registry type and HTTP status",
            ["registry_type", "status"],
            registry=self.registry,
        )
        self.accepted = Counter(
            "regsieve_gateway_events_accepted",
            "Events published to NATS and acknowledged by JetStream",
            ["registry_type", "action"],
            registry=self.registry,
        )
        self.dropped = Counter(
            "regsieve_gateway_events_dropped",
            "Events acknowledged to the sender but not published (noise), by reason",
            ["registry_type", "reason"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "regsieve_gateway_rejected",
            "Deliveries refused, by registry type, HTTP status and reason",
            ["registry_type", "status", "reason"],
            registry=self.registry,
        )
        self.publish_seconds = Histogram(
            "regsieve_gateway_publish_seconds",
            "Time from publishing a delivery's events to JetStream's last acknowledgement",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def exposition(self) -> tuple[bytes, str]:
        """The text exposition format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
