"""Which of the app's endpoints can write an audit row: a static walk of ifr_service's calls, from
each view function to the recording call sites (audit/recording.py's note_* functions).

A call is followed when its target can be named without running anything: a function of the same
module, one imported by name, `module.function` of an imported module, or a method whose name only
one function in the package has. That is enough for the service's shape (views call services and
access checks by name); a call it cannot name is not followed, so the walk may miss a path, never
invent one.
"""

from __future__ import annotations

import ast
import inspect
from collections import Counter
from pathlib import Path

import ifr_service

ROOT = Path(ifr_service.__file__).parent
RECORDING = "ifr_service.audit.recording"
NOTES = {(RECORDING, name)
         for name in ("note_case_seen", "note_cases_shown", "note_event", "note_list_shown")}
Function = tuple[str, str]  # (module, function name)
FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef


def recording_endpoints(app) -> set[str]:
    """The endpoints whose view can reach a recording call site."""
    reaching = functions_reaching(NOTES)
    found = set()
    for endpoint, view in app.view_functions.items():
        unwrapped = inspect.unwrap(view)
        if (unwrapped.__module__, unwrapped.__name__) in reaching:
            found.add(endpoint)
    return found


def functions_reaching(targets: set[Function]) -> set[Function]:
    calls = call_graph()
    reaching = set(targets)
    while more := {caller for caller, called in calls.items() if called & reaching} - reaching:
        reaching |= more
    return reaching


def call_graph() -> dict[Function, set[Function]]:
    trees = {_module_name(path): ast.parse(path.read_text()) for path in ROOT.rglob("*.py")}
    defined = {module: {node.name for node in ast.walk(tree) if isinstance(node, FUNCTION)}
               for module, tree in trees.items()}
    counts = Counter(name for names in defined.values() for name in names)
    unique = {name: module for module, names in defined.items() for name in names if counts[name] == 1}
    graph: dict[Function, set[Function]] = {}
    for module, tree in trees.items():
        imports = _imports(tree)
        for function in ast.walk(tree):
            if isinstance(function, FUNCTION):
                called = graph.setdefault((module, function.name), set())
                for node in ast.walk(function):
                    if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
                        called |= _targets(node, module, imports, set(trees), unique)
    return graph


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.Module) -> dict[str, str]:
    """Each imported name as the dotted name it stands for."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
        elif isinstance(node, ast.Import):
            names.update({alias.asname or alias.name: alias.name for alias in node.names})
    return names


def _targets(node, module: str, imports: dict[str, str], modules: set[str], unique: dict) -> set[Function]:
    if isinstance(node, ast.Name):
        if node.id in imports:
            dotted = imports[node.id]
            return {tuple(dotted.rsplit(".", 1))} if "." in dotted else set()
        return {(module, node.id)}
    base = node.value
    if isinstance(base, ast.Name) and imports.get(base.id) in modules:
        return {(imports[base.id], node.attr)}
    return {(unique[node.attr], node.attr)} if node.attr in unique else set()
