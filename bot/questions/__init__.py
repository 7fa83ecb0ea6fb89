"""Questions: query analysis, retrieval, the answer sentence and the reply text (no Telegram)."""
