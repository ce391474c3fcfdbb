"""The command's start-up: what it builds to last the whole process, kept out of the collector.

Starting ``legrules assess`` builds some hundreds of thousands of objects (modules, the
classes of the model, the rule sets, the parser, the compiled rule set) that live until
the process ends, and not one of them is garbage.  The cyclic garbage collector still
walks them: during start-up, more often and for longer the more there are, and once more
as the interpreter exits.  Over one patient that was about a seventh of the run's CPU
time.  :func:`building` pauses the collector while such objects are built, then moves
everything built so far out of its sight for the rest of the process (:func:`gc.freeze`)
and resumes it for what the run builds next (the patients).

A patient's assessment builds some thousands of objects that live until its document is
written and are then freed by reference counting, so the default youngest-generation
threshold (700 allocations more than deallocations) ran the collector a few times per
patient over objects that were not garbage.  The program raises it to
:data:`YOUNG_THRESHOLD`, as the CDS Hooks service's workers do: the collector still
reclaims reference cycles once that many objects outlive what made them, without the
pointless passes (over the 1,000 patients of the end-to-end benchmark: 14 collections
instead of 244, and about half the time spent collecting).

Only the program itself does this (``legrules ...``, ``python -m legrules``): when the
command line is called in a process someone else runs (``main(argv)`` in tests, in a
notebook), the collector is left alone.  Frozen objects are never collected, so nothing
may be frozen that could become garbage the collector alone can free while the process
runs: only start-up is.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["YOUNG_THRESHOLD", "building"]

#: The youngest generation's threshold while the program runs (see the module).
YOUNG_THRESHOLD = 20_000


@contextmanager
def building(program: bool) -> Iterator[None]:
    """Build what lasts the whole process: the collector paused, then the result frozen.

    The collector then resumes with its youngest generation's threshold raised to
    :data:`YOUNG_THRESHOLD`.  Does nothing unless *program* (this process runs the
    command line) and the collector is enabled (a program that turned it off keeps it
    off).  Frozen and resumed however the block ends: a command that fails at start-up
    still exits quickly.
    """
    if not program or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        gc.enable()
