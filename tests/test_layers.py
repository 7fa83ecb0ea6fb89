"""The layers, read from the imports: handlers -> bot -> storage, and no circles."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("bot", "handlers", "storage")
CORE = (
    "bot.articles",
    "bot.questions",
    "bot.digests",
    "bot.stories",
    "bot.feeds",
    "bot.web",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every module an import statement names, wherever it stands (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield target
            # `from bot import digests` names a module too.
            yield from (f"{target}.{alias.name}" for alias in node.names)


def graph() -> dict[str, set[str]]:
    modules = {
        module_name(path): path for pkg in PACKAGES for path in sorted((ROOT / pkg).rglob("*.py"))
    }
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges[name] = {target for target in imports_of(path) if target} - {name}
    return edges


GRAPH = graph()


def within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def violations(rule: str) -> list[str]:
    found = []
    for module, targets in GRAPH.items():
        for target in sorted(targets):
            if rule == "storage" and within(module, "storage"):
                bad = within(target, "bot", "handlers", "telegram")
            elif rule == "handlers-importers":
                bad = within(target, "handlers") and not (
                    module == "bot.app" or within(module, "handlers")
                )
            elif rule == "handlers-storage" and within(module, "handlers"):
                bad = within(target, "storage")
            elif rule == "core-telegram" and within(module, *CORE):
                bad = within(target, "telegram", "bot.telegram", "bot.cli", "handlers")
            else:
                bad = False
            if bad:
                found.append(f"{module} imports {target}")
    return found


@pytest.mark.parametrize(
    "rule",
    ["storage", "handlers-importers", "handlers-storage", "core-telegram"],
)
def test_layer_rule(rule: str) -> None:
    assert violations(rule) == []


def test_the_rules_see_imports_inside_functions() -> None:
    # bot/app.py imports handlers inside build_application: the reader must find it.
    assert "handlers" in GRAPH["bot.app"]


def test_no_import_cycles() -> None:
    modules = set(GRAPH)
    # Package imports (`from bot.cli import main`) are edges to the package's __init__.
    edges = {m: {t for t in GRAPH[m] if t in modules} for m in modules}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module)
    assert cycles == []
