"""Test doubles for tests and benchmarks: flood fake, Bot API server, hostile inputs, PostgreSQL."""
