"""famscore: batch scoring of annual health-commission assessments from spreadsheets."""

from famscore.errors import FamscoreError, Problem, SchemeError
from famscore.outputs.jsonout import write_json
from famscore.outputs.summary import read_summary, write_summary
from famscore.returns import read_folder, read_return
from famscore.rules import score_item
from famscore.scheme import Scheme
from famscore.scheme.loader import check_scheme, load_scheme
from famscore.scoring import BatchResult, UnitResult, score_batch
from famscore.templates import build_template, build_templates

__version__ = "0.1.0"

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
    "read_return",
    "read_summary",
    "score_batch",
    "score_item",
    "write_json",
    "write_summary",
]
