"""What is wrong with a file the CLI is asked to write or read, said before any work is done."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.settings import DEFAULT_DATABASE_URL, Settings, sqlite_path


def output_problem(path: Path, example_name: str) -> str | None:
    """Why `path` cannot be written as a new file (None: it can be tried), with the name
    `example_name` suggested where a folder was given."""
    if not path.parent.is_dir():
        return f"there is no folder {path.parent} to write {path.name} in"
    if path.is_dir():
        return f"{path} is a folder; name the file to write, e.g. {path / example_name}"
    if path.exists() and not path.is_file():
        # (An export is written beside it and renamed over it: a device or a pipe would be
        # replaced by a file, /dev/null itself when run as root.)
        return f"{path} is no file but a device, a pipe or a socket; name a file to write"
    return None


def through_links(path: Path) -> Path:
    """The file a link names, to be written in its place: a file renamed over the link would
    replace the link and leave the file it names as it was."""
    return path.resolve() if path.is_symlink() else path


def missing_folder(database: str | None) -> Path | None:
    """The folder of the SQLite file `database` (settings.sqlite_path's) when it does not
    exist; None when it does, or there is no file. A command that only reads says so, rather
    than make that folder and an empty archive where a mistyped --database-url points."""
    if database is None or database == ":memory:" or "mode=memory" in database:
        return None
    folder = Path(database.split("?", 1)[0]).parent
    return None if folder.is_dir() else folder


FIX_FOLDER = (
    "check --database-url or DATABASE_URL (to start an archive there, make the folder first)"
)


def no_folder_line(folder: Path) -> str:
    """What to do about a database whose folder is not there."""
    return f"there is no folder {folder}, so no archive in it: {FIX_FOLDER}"


def makes_nothing(settings: Settings, command: str) -> bool:
    """Whether the archive a command would create or change (--database-url, DATABASE_URL)
    is in a folder that does not exist (said on stderr). Only the default's folder, ./data,
    is made: a mistyped path (./dta/newsbot.sqlite3) made its folders and a new archive
    there, and `newsbot run` went on with an empty one."""
    if settings.database_url == DEFAULT_DATABASE_URL:
        return False
    folder = missing_folder(sqlite_path(settings.database_url))
    if folder is not None:
        print(
            f"newsbot {command}: there is no folder {folder} for the archive: {FIX_FOLDER}",
            file=sys.stderr,
        )
    return folder is not None


def reads_nothing(settings: Settings, command: str) -> bool:
    """Whether the archive a reading command was pointed at (--database-url, DATABASE_URL)
    is in a folder that does not exist (said on stderr)."""
    if settings.database_url == DEFAULT_DATABASE_URL:
        return False  # a newcomer's first command in a fresh folder: "the archive is empty"
    folder = missing_folder(sqlite_path(settings.database_url))
    if folder is not None:
        print(f"newsbot {command}: {no_folder_line(folder)}", file=sys.stderr)
    return folder is not None
