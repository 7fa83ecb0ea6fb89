"""The worker processes that parse a bulk import's batches (see Archive.import_records)."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

# Parsing is most of an import's work: one process per core but the one that stores.
IMPORT_WORKERS = max(0, min(4, (os.cpu_count() or 1) - 1))


def parse_pool(workers: int) -> ProcessPoolExecutor:
    """`workers` fresh processes (spawned: the importer's threads and connections stay out)
    that each exit when the importer is gone."""
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent
    )


def _exit_with_parent() -> None:
    # A worker whose importer was killed would wait forever for work that will not come.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)
