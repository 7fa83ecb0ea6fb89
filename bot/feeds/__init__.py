"""Subscribed feeds (RSS, Atom, JSON Feed): parsing, OPML, and the poller that stores new items."""
