"""Work on the other core while this process goes on: a call run in a forked process."""
from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable

_TASK: tuple | None = None  # what the forked process runs: it inherits it, nothing is pickled to send it
MANY = 2000  # claims below which a fork costs more than the work it would move


def _run() -> Any:
    func, args = _TASK
    return func(*args)


def can_fork() -> bool:
    """True where a forked process could run beside this one (fork exists, and a second core)."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def in_background(func: Callable, *args, worth_it: bool = True) -> Callable[[], Any]:
    """Start func(*args) in a forked process and return a function that waits for its result.

    The call sees this process as it is now and its result is pickled back, so func must not rely
    on changing this process's state. Runs in this process instead when it is not worth a fork (or
    fork is unavailable); an exception in func is raised by the waiting function either way.
    """
    global _TASK
    if not (worth_it and can_fork()):
        try:
            result = func(*args)
        except Exception as e:
            error = e

            def fail():
                raise error
            return fail
        return lambda: result
    _TASK = (func, args)
    try:
        pool = multiprocessing.get_context("fork").Pool(1)
        pending = pool.apply_async(_run)
    finally:
        _TASK = None

    def wait() -> Any:
        try:
            return pending.get()
        finally:
            pool.close()
            pool.join()
    return wait
