"""The Jinja environment pages are rendered with: autoescape on, undefined names as errors, templates
compiled once per version of Heshu, and two costs of Jinja's own made smaller (measured with
benchmarks/templating.py: a claim page renders in about two thirds of the time)."""
from __future__ import annotations

import os
import types
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context
from markupsafe import escape

from .. import cache

try:  # MarkupSafe 3: the function under escape() that gives the escaped text without making it Markup
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover (MarkupSafe 2)
    def _escape_inner(text: str) -> str:
        return str(escape(text))


# How templates are read and what they may do: Heshu's environment and any reference one (a benchmark's, a test's).
SETTINGS = {"autoescape": select_autoescape(["html", "xml"]), "undefined": StrictUndefined, "trim_blocks": True,
            "lstrip_blocks": True, "keep_trailing_newline": True,
            "auto_reload": False}  # one build: no need to look at each template's file again for every page


def environment(templates: Path) -> Environment:
    """Jinja with autoescape on for HTML and XML, and undefined names as errors; templates compiled once
    and kept in the cache folder (by their text and Heshu's code, which sets how they are compiled)."""
    compiled = cache.cache_dir() / "templates" / cache.code_digest()[:16]
    return _Environment(loader=FileSystemLoader(str(templates)), bytecode_cache=_BytecodeCache(str(compiled)),
                        **SETTINGS)


def escape_output(value) -> str:
    """What `{{ value }}` writes into a page with autoescape on: markupsafe.escape(value) as a str.

    An output's pieces are only ever joined into text (the page, or a macro's or block's body,
    which Jinja makes Markup as a whole), so they need not each be made Markup: that is most of
    escape()'s cost (0.56 µs against 0.08 µs for a short text), and a page makes fifty of them.
    """
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with the pieces of autoescaped output escaped by escape_output()."""

    def visit_Template(self, node, frame=None) -> None:
        self.writeline("from heshu.site.templating import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    """Jinja's context, calling a plain function (url(), partial() and the other helpers) straight away.

    Context.call() looks on the callable and on its __call__ for a pass_context mark first (17 calls
    a claim page); a plain function without the mark gets nothing passed, as there.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        if type(__obj) is not types.FunctionType or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class _Environment(Environment):
    """Jinja's environment, with the code generator and context above."""

    code_generator_class = _CodeGenerator
    context_class = _Context


class _BytecodeCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in a folder made when first written to (a cache that cannot be
    written is skipped)."""

    def dump_bytecode(self, bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass
