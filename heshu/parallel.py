"""Work on the other core while this process goes on: a call run in a forked process."""
from __future__ import annotations

import os
from typing import Any, Callable

_TASK: tuple | None = None  # what the forked process runs: it inherits it, nothing is pickled to send it
MANY = 2000  # claims (or pages) below which a fork costs more than the work it would move


def _run() -> None:
    func, args, send = _TASK
    try:
        outcome = (True, func(*args))
    except BaseException as e:
        outcome = (False, e)
    send.send(outcome)
    send.close()


def can_fork() -> bool:
    """True where a forked process could run beside this one (fork exists, and a second core)."""
    import multiprocessing  # imported when first needed, as in_background() does: a quick rebuild needs none
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def in_background(func: Callable, *args, worth_it: bool = True) -> Callable[[], Any]:
    """Start func(*args) in a forked process and return a function that waits for its result.

    The call sees this process as it is now and its result is pickled back, so func must not rely
    on changing this process's state. Runs in this process instead when it is not worth a fork (or
    fork is unavailable). An exception in func is raised by the waiting function either way; a
    forked process that dies without an answer raises RuntimeError there, rather than hanging.
    """
    global _TASK
    if not (worth_it and can_fork()):
        try:
            outcome = (True, func(*args))
        except Exception as e:
            outcome = (False, e)
        return lambda: _unwrap(outcome)
    import multiprocessing
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _TASK = (func, args, send)
    try:
        process = context.Process(target=_run, daemon=True)
        process.start()
    finally:
        _TASK = None
        send.close()  # the child's copy stays open: when it ends, however it ends, recv() returns or fails

    def wait() -> Any:
        try:
            outcome = receive.recv()
        except EOFError:
            process.join()
            raise RuntimeError(f"the process running {func.__name__}() ended without an answer "
                               f"(exit code {process.exitcode})") from None
        finally:
            receive.close()
        process.join()
        return _unwrap(outcome)
    return wait


def _unwrap(outcome: tuple[bool, Any]) -> Any:
    ok, value = outcome
    if not ok:
        raise value
    return value
