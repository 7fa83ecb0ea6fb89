"""Telegram transport: flood pacing, PTB's rate-limiter hook, aiohttp requests, offline Bot API."""
