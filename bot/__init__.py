"""newsroom bot: the core (settings, composition root, articles, questions, digests) and CLI."""
