"""A fresh PostgreSQL database per test, when CI names a server; otherwise a plain skip."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import async_url

PG_ENV = "NEWSBOT_TEST_POSTGRES_URL"


def postgres_url_or_skip() -> str:
    """The server's URL, or skip the test saying why."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set, so there is no PostgreSQL to test against")
    return url


@contextlib.asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """Create an empty database, yield its URL, and drop it afterwards."""
    name = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(async_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield (
                make_url(async_url(server_url))
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
