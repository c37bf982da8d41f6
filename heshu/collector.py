"""The cyclic garbage collector held off while a command makes or renders many objects at once."""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def paused(then: Callable[[], object]) -> Iterator[None]:
    """The collector's automatic rounds off inside the block; at its end then() runs, and the rounds
    are back on if they were on before. Usable as a decorator too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        then()
        if enabled:
            gc.enable()


def sampled(every: int = 16) -> Callable[[], None]:
    """A then() for paused() around each of many like runs of work (a share of pages): it collects what
    the first run and every `every`-th left, and sets the rest aside unwalked (gc.freeze). Walking what a
    run leaves, mostly values kept for the later runs, is the cost (0.5 s for the 63,295 pages of 200
    reports) and frees nothing when the work makes no cycles (rendering them made none); once a
    collection finds a cycle, every run is collected."""
    runs, cycles = 0, False

    def then() -> None:
        nonlocal runs, cycles
        if cycles or runs % every == 0:
            cycles = gc.collect(1) > 0 or cycles
        gc.freeze()  # what is left stays out of later collections, as the site's objects do
        runs += 1
    return then
