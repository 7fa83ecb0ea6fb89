"""Ports for servers that tests start in other processes."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def free_port() -> int:
    """A port free now, for a server another process starts later: below the range the
    system gives outgoing connections their ports from, where a test running beside this one
    (its database connections, its clients) could take it in between (a flaky start)."""
    first, _ = _ephemeral_ports()
    if first <= 11_000:  # no room below it: any free port
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])
    while True:
        port = random.randrange(10_000, first)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def _ephemeral_ports() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32_768, 60_999  # Linux's default
