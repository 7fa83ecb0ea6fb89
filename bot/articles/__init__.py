"""Articles: raw text and files parsed into articles, kept once in the archive (no Telegram)."""
