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
