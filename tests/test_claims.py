"""The delivery-claim contract (storage/deliveries.py) on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.deliveries import DeliveryCounts, DeliveryStore, NewDelivery
from storage.subscriptions import SubscriptionStore

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)
SLOT = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'claims.sqlite3'}"
        return
    server = os.environ.get("NEWSBOT_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("PostgreSQL not configured: set NEWSBOT_TEST_POSTGRES_URL to run this")
    import asyncpg

    plain = make_url(server).set(drivername="postgresql")
    name = f"newsbot_claims_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(plain.render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def open_store(url: str) -> tuple[Database, DeliveryStore, SubscriptionStore]:
    db = Database.from_url(url)
    await db.create_schema()
    return db, DeliveryStore(db), SubscriptionStore(db)


async def seed(deliveries: DeliveryStore, subs: SubscriptionStore, n: int) -> None:
    new = []
    for chat in range(1, n + 1):
        sub = await subs.subscribe(chat, "08:00", "", created_by=None, after_article_id=0, now=NOW)
        new.append(NewDelivery(sub.id, chat, SLOT, SLOT + dt.timedelta(days=1), ("hi",), 0))
    await deliveries.open_slots(new, now=NOW)
    await deliveries.open_slots(new, now=NOW)  # a second process opening the same slots


async def test_concurrent_claimers_take_disjoint_batches(url: str) -> None:
    db_a, a, subs = await open_store(url)
    db_b, b, _ = await open_store(url)
    try:
        await seed(a, subs, 50)
        assert await a.counts() == DeliveryCounts(sent=0, pending=50, gone=0)
        first, second = await asyncio.gather(
            a.claim("a", now=NOW, lease=LEASE, limit=30),
            b.claim("b", now=NOW, lease=LEASE, limit=30),
        )
        ids_a, ids_b = {d.id for d in first}, {d.id for d in second}
        assert ids_a & ids_b == set()
        assert len(ids_a | ids_b) == 50
        assert await a.claim("a", now=NOW, lease=LEASE, limit=30) == []
    finally:
        await db_a.close()
        await db_b.close()


async def test_only_the_holder_writes_and_a_lapsed_lease_moves(url: str) -> None:
    db, store, subs = await open_store(url)
    try:
        await seed(store, subs, 1)
        (held,) = await store.claim("a", now=NOW, lease=LEASE, limit=10)
        assert not await store.part_sent(held.id, "b", 1, now=NOW, lease=LEASE)
        assert await store.part_sent(held.id, "a", 1, now=NOW, lease=LEASE)
        assert (
            await store.claim("b", now=NOW + LEASE - dt.timedelta(seconds=1), lease=LEASE, limit=10)
            == []
        )
        (taken,) = await store.claim("b", now=NOW + LEASE, lease=LEASE, limit=10)
        assert (taken.id, taken.parts_sent) == (held.id, 1)
        assert not await store.complete(held, "a", now=NOW + LEASE)
        assert await store.complete(taken, "b", now=NOW + LEASE)
        assert await store.counts() == DeliveryCounts(sent=1, pending=0, gone=0)
        sub = await subs.get(taken.subscription_id)
        assert sub is not None and sub.last_slot == SLOT
    finally:
        await db.close()


async def test_a_restarted_worker_frees_its_own_leases(url: str) -> None:
    db, store, subs = await open_store(url)
    try:
        await seed(store, subs, 3)
        assert len(await store.claim("a", now=NOW, lease=LEASE, limit=10)) == 3
        assert await store.release_worker("a") == 3
        assert len(await store.claim("a", now=NOW, lease=LEASE, limit=10)) == 3
    finally:
        await db.close()
