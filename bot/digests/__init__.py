"""Digests: when they fall due, what they hold, and sending each exactly once (no Telegram)."""
