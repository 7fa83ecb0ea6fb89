"""What is wrong with a file the CLI is asked to write, said before any work is done."""

from __future__ import annotations

from pathlib import Path


def output_problem(path: Path, example_name: str) -> str | None:
    """Why `path` cannot be written as a new file (None: it can be tried), with the name
    `example_name` suggested where a folder was given."""
    if not path.parent.is_dir():
        return f"there is no folder {path.parent} to write {path.name} in"
    if path.is_dir():
        return f"{path} is a folder; name the file to write, e.g. {path / example_name}"
    return None
