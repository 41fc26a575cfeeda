"""famscore: batch scoring of annual health-commission assessments from spreadsheets."""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# python-docx (the results notice) brings lxml, and openpyxl switches to lxml whenever it is installed:
# its writer then raises on text famscore writes cleaned, and its parser stops going through
# defusedxml. famscore keeps openpyxl on the stdlib + defusedxml path it was built and tested on.
os.environ.setdefault("OPENPYXL_LXML", "False")

if TYPE_CHECKING:
    from famscore.analysis.results import read_results
    from famscore.batch import read_folder, score_folder
    from famscore.errors import FamscoreError, Problem, SchemeError
    from famscore.outputs.jsonout import write_json
    from famscore.outputs.readback import read_summary
    from famscore.outputs.summary import write_summary
    from famscore.returns import read_return
    from famscore.rules import score_item
    from famscore.scheme import Scheme
    from famscore.scheme.loader import check_scheme, load_scheme
    from famscore.scoring import BatchResult, UnitResult, score_batch
    from famscore.templates import build_template, build_templates

from famscore._version import __version__

# The public API, imported on first use: `import famscore` (and every command, which imports the
# package first) then costs nothing for the parts a command does not use.
_HOMES = {
    "FamscoreError": "famscore.errors",
    "Problem": "famscore.errors",
    "SchemeError": "famscore.errors",
    "write_json": "famscore.outputs.jsonout",
    "read_summary": "famscore.outputs.readback",
    "read_results": "famscore.analysis.results",
    "write_summary": "famscore.outputs.summary",
    "read_folder": "famscore.batch",
    "score_folder": "famscore.batch",
    "read_return": "famscore.returns",
    "score_item": "famscore.rules",
    "Scheme": "famscore.scheme",
    "check_scheme": "famscore.scheme.loader",
    "load_scheme": "famscore.scheme.loader",
    "BatchResult": "famscore.scoring",
    "UnitResult": "famscore.scoring",
    "score_batch": "famscore.scoring",
    "build_template": "famscore.templates",
    "build_templates": "famscore.templates",
}

__all__ = [
    "BatchResult",
    "FamscoreError",
    "Problem",
    "Scheme",
    "SchemeError",
    "UnitResult",
    "__version__",
    "build_template",
    "build_templates",
    "check_scheme",
    "load_scheme",
    "read_folder",
    "read_results",
    "read_return",
    "read_summary",
    "score_batch",
    "score_folder",
    "score_item",
    "write_json",
    "write_summary",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'famscore' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
