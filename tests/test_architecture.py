"""The house rules of the package layout (issue 9): no import circle, no module over 400 lines,
the layering contracts of pyproject.toml kept (lint-imports also runs in .ci/run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "qa2docs"
MAX_LINES = 400


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)
                                                & modules))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


def _graph():
    # Function-level and TYPE_CHECKING imports count: they are dependencies all the same.
    return grimp.build_graph("qa2docs", cache_dir=None, exclude_type_checking_imports=False)


def test_no_import_circle_between_modules():
    graph = _graph()
    modules = set(graph.modules)
    assert _cycles(graph, modules) == []


def test_no_import_circle_between_stages():
    graph = _graph()
    stages = {m for m in graph.modules if m.count(".") == 1}
    stage_graph = {s: set() for s in stages}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = ".".join(importer.split(".")[:2]), ".".join(imported.split(".")[:2])
            if a != b and a in stages and b in stages:
                stage_graph[a].add(b)

    class StageGraph:
        modules = stages

        @staticmethod
        def find_modules_directly_imported_by(module):
            return stage_graph[module]

    assert _cycles(StageGraph, stages) == []


def test_cycle_finder_finds_a_circle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    class Fake:
        @staticmethod
        def find_modules_directly_imported_by(module):
            return edges[module]

    assert _cycles(Fake, set(edges)) == [["a", "b", "c"]]


def test_no_module_over_400_lines():
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_facade_is_imported_by_the_cli_only():
    graph = _graph()
    importers = {m for m in graph.find_modules_that_directly_import("qa2docs.api")}
    assert importers and all(m.startswith("qa2docs.cli") for m in importers)


def test_layering_contracts_kept():
    lint = shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    proc = subprocess.run([lint, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "0 broken" in proc.stdout
