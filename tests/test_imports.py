"""famscore's modules import one another one way: no cycle, counting imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "famscore"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The famscore modules `name` imports anywhere in its file (TYPE_CHECKING blocks included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from famscore import interrupt` imports the module famscore.interrupt
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import famscore.x.y` names a module's attribute
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    # The package's __init__ only ever loads its API on first use (and its version); a submodule that
    # reads famscore.__version__ does not make a cycle through it, so the package is a leaf.
    return found - {"famscore"} if name != "famscore" else set()


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_walker_sees_imports_inside_functions_and_relative_ones() -> None:
    edges = graph()
    assert "famscore.scoring" in edges["famscore.batch.run"]
    assert "famscore.interrupt" in edges["famscore.batch.pool"]  # `from famscore import interrupt`
    assert "famscore.scheme.loader" in edges["famscore.batch.pool"]  # inside a function
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_scoring_and_the_reader_sit_below_the_batch() -> None:
    edges = graph()
    for low in ("famscore.scoring", "famscore.returns", "famscore.rules.engine", "famscore.scheme.model"):
        assert not {
            m for m in edges[low] if m.startswith(("famscore.batch", "famscore.outputs", "famscore.cli"))
        }
