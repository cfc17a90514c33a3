"""An import-linter contract of our own: no circle of imports between any two modules of a package.

import-linter's acyclic_siblings contract looks at the children of a package, each taken with all it
holds, so `cases -> panels -> cases` is a circle to it even when no module takes part in one; between
features that is allowed (a page of cases may show a panel's meeting). What must never happen is a
module that, through any chain of imports, imports itself: a circle that only importing inside a
function keeps from failing at start-up. import-linter reads imports inside functions too.
"""

from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    packages = fields.ListField(subfield=fields.ModuleField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR)

    def check(self, graph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph, ignore_imports=self.ignore_imports,
            unmatched_alerting=self.unmatched_ignore_imports_alerting)
        roots = [package.name for package in self.packages]
        modules = sorted(name for name in graph.modules
                         if any(name == root or name.startswith(root + ".") for root in roots))
        inside = set(modules)
        imports = {name: sorted(graph.find_modules_directly_imported_by(name) & inside) for name in modules}
        circles = [_circle_through(component, imports) for component in _strongly_connected(modules, imports)
                   if len(component) > 1]
        return ContractCheck(kept=not circles, warnings=list(removal.warnings),
                             ignored_import_count=removal.ignored_import_count,
                             metadata={"circles": sorted(circles)})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for circle in check.metadata["circles"]:
            output.print_error("A circle of imports: " + " -> ".join(circle))
            output.new_line()


def _strongly_connected(modules: list[str], imports: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, without recursion (a chain of imports can be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, next_child = work.pop()
            if next_child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = imports[node]
            for position in range(next_child, len(children)):
                child = children[position]
                if child not in index:
                    work.append((node, position + 1))
                    work.append((child, 0))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return components


def _circle_through(component: list[str], imports: dict[str, list[str]]) -> tuple[str, ...]:
    """One shortest circle inside a strongly connected component, from its first module back to it."""
    members, start = set(component), component[0]
    came_from: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in imports[node]:
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return (*reversed(path), start)
            if child in members and child not in came_from:
                came_from[child] = node
                queue.append(child)
    return tuple(component)
