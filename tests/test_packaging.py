"""What the wheel ships: the product, its sample and migrations, and no test doubles."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_ships_no_test_doubles(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for name in ("bot", "handlers", "storage"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "dist"), str(source)],
        check=True,
    )  # fmt: skip
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}

    assert tops == {"bot", "handlers", "storage"}
    assert {
        "bot/telegram/offline.py",  # the Bot API behind `newsbot chat` is the product's own
        "bot/sample/fakes.jsonl",
        "bot/sample/raqqa-2017-07-04.txt",
        "storage/migrations/script.py.mako",
        "bot/locales/ar/LC_MESSAGES/bot.mo",  # replies in the user's language
        "bot/locales/ru/LC_MESSAGES/bot.mo",
        "bot/locales/fr/LC_MESSAGES/bot.mo",
    } <= names
    doubles = [n for n in names if any(w in n for w in ("fake_", "flood", "hostile", "conftest"))]
    assert doubles == []
