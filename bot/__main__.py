"""`python -m bot` is the `newsbot` command."""

from __future__ import annotations

import sys

from bot.cli.main import main

sys.exit(main())
