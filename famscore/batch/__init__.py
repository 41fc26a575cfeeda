"""Every speed mechanism of a batch behind one call: score_folder (workers, spool, memos, GC policy)."""

from famscore.batch.pool import start_method
from famscore.batch.run import NoReturns, read_folder, score_folder

__all__ = ["NoReturns", "read_folder", "score_folder", "start_method"]
