"""Every setting is documented twice, the same way: in `.env.example` and the README's table."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).parent.parent


def settings_keys() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def env_example_keys() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def readme_table_keys() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    keys: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            keys.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return keys


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    assert env_example_keys() == settings_keys()


def test_readme_table_lists_every_setting_and_nothing_else() -> None:
    assert readme_table_keys() == settings_keys()
