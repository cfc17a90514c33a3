"""The import graph's own contract (tools/import_contracts.py): no module imports itself through a
circle of imports, however the circle is closed. Each test lays out a small package and runs
lint-imports on it, as `make lint` runs it on ifr_service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(tmp_path: Path, modules: dict[str, str], ignore: tuple[str, ...] = ()):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in modules.items():
        (package / f"{name}.py").write_text(source)
    ignored = "".join(f"\n    {line}" for line in ignore)
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = shop\ncontract_types =\n"
        "    acyclic_modules: tools.import_contracts.AcyclicModulesContract\n\n"
        "[importlinter:contract:circles]\nname = No circles\ntype = acyclic_modules\npackages = shop\n"
        + (f"ignore_imports ={ignored}\n" if ignore else ""))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_circle_closed_by_an_import_inside_a_function_is_named(tmp_path):
    result = lint(tmp_path, {"basket": "from shop import prices\n",
                             "prices": "def total():\n    from shop import basket\n",
                             "till": "from shop import basket\n"})
    assert result.returncode == 1
    assert "A circle of imports: shop.basket -> shop.prices -> shop.basket" in result.stdout
    assert "shop.till" not in result.stdout  # it imports into the circle, but is not part of it


def test_a_longer_circle_is_named_from_end_to_end(tmp_path):
    result = lint(tmp_path, {"basket": "from shop import prices\n", "prices": "from shop import stock\n",
                             "stock": "import shop.basket\n"})
    assert result.returncode == 1
    assert "shop.basket -> shop.prices -> shop.stock -> shop.basket" in result.stdout


def test_imports_that_only_run_downwards_keep_the_contract(tmp_path):
    result = lint(tmp_path, {"basket": "from shop import prices\n", "prices": "from shop import stock\n",
                             "stock": "", "till": "from shop import basket, stock\n"})
    assert result.returncode == 0, result.stdout


def test_an_ignored_import_is_left_out_of_the_graph(tmp_path):
    result = lint(tmp_path, {"basket": "from shop import prices\n", "prices": "from shop import basket\n"},
                  ignore=("shop.prices -> shop.basket",))
    assert result.returncode == 0, result.stdout
