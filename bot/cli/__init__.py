"""Entry points: the `newsbot` command, the terminal chat, the webhook server, db and backup."""
