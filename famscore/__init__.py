"""famscore: batch scoring of annual health-commission assessments from spreadsheets."""

from famscore.errors import FamscoreError, Problem, SchemeError
from famscore.rules import score_item
from famscore.scheme import Scheme
from famscore.scheme.loader import check_scheme, load_scheme

__version__ = "0.1.0"

__all__ = [
    "FamscoreError",
    "Problem",
    "Scheme",
    "SchemeError",
    "__version__",
    "check_scheme",
    "load_scheme",
    "score_item",
]
