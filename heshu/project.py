"""The Python API behind build.py: each command as one function over a project folder."""
from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import cache, collector, parallel, rerun, resources, segment
from . import ledger as ledger_mod
from . import links as links_mod
from . import merge as merge_mod
from .documents import load_manifest, load_source
from .errors import HeshuError, Location, Problem
from .extract import extract
from .merge import MergeReport
from .model import Claim, Document, Source
from .schema import claim_problems, validate

Log = Callable[[str], None]


def quiet(message: str) -> None:
    """A log that says nothing."""


@dataclass(frozen=True)
class Project:
    """Where a Heshu project keeps its inputs and outputs."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def ledger(self) -> Path:
        return self.root / "claims.yaml"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def site(self) -> Path:
        return self.root / "site"


@dataclass
class Corpus:
    """The documents that could be read, and the problems of those that could not."""

    docs: list[Document]
    sources: dict[str, Source]
    problems: list[Problem] = field(default_factory=list)


def few_collections() -> contextlib.AbstractContextManager:
    """The cyclic garbage collector paused while a command builds its many long-lived objects (claims,
    views, pages), which are then left out of its later rounds (gc.freeze) until the build ends
    (gc.unfreeze, see run_build): otherwise a quarter of the time goes to walking them again and again."""
    return collector.paused(gc.freeze)


def load_corpus(project: Project, log: Log = quiet) -> Corpus:
    """Every report in the manifest, read and cleaned; a bad report is named and skipped."""
    docs, problems = load_manifest(project.seeds)
    sources = {}
    for doc in docs:
        source, problem = load_source(project.seeds, doc)
        if problem:
            problems.append(problem)
            log(f"skipped {doc.id}: {problem}")
        else:
            sources[doc.id] = source
    return Corpus(docs, sources, problems)


def extract_all(sources: list[Source]) -> dict[str, list[Claim]]:
    """The claims of every report: from the cache for a report extracted before with the same text,
    manifest entry and code; the others extracted on all cores when there are many."""
    keys = {s.doc.id: _extracted_key(s) for s in sources}
    found = {}
    for s in sources:
        name, made_from = keys[s.doc.id]
        kept = cache.read(name)
        if isinstance(kept, tuple) and kept[0] == made_from:
            found[s.doc.id] = kept[1]
    todo = [s for s in sources if s.doc.id not in found]
    for doc_id, claims in _extract_many(todo).items():
        found[doc_id] = claims
        name, made_from = keys[doc_id]
        cache.write(name, (made_from, claims))
    return {s.doc.id: found[s.doc.id] for s in sources}


def _extracted_key(source: Source) -> tuple[str, str]:
    """Where a report's claims are cached (one file per report), and a digest of what they were extracted
    from: its text, its manifest entry and Heshu's code."""
    name = "extracted/" + hashlib.sha1(source.doc.id.encode("utf-8")).hexdigest() + ".pickle"
    made_from = hashlib.sha1(repr((source.doc, cache.code_digest())).encode("utf-8") + source.raw.encode("utf-8"))
    return name, made_from.hexdigest()


def _extract_many(sources: list[Source]) -> dict[str, list[Claim]]:
    """The claims of each report; with many reports, a share of them extracted on each other core."""
    n = min(os.cpu_count() or 1, 4)
    others = [parallel.in_background(_extract_share, sources[k::n], worth_it=len(sources) >= 8) for k in range(1, n)]
    found = _extract_share(sources[0::n])
    for wait in others:
        found.update(wait())
    return found


def _extract_share(sources: list[Source]) -> dict[str, list[Claim]]:
    return {s.doc.id: extract(s) for s in sources}


@dataclass
class ExtractResult:
    counts: dict[str, int]  # claims found in each report read
    report: MergeReport
    written: bool
    problems: list[Problem]
    skipped: bool = False  # nothing extract reads changed since its last run, which left claims.yaml as it was


@few_collections()
def run_extract(project: Project, log: Log = quiet) -> ExtractResult:
    """Find the claims in every report and merge them into claims.yaml, keeping people's edits; or, if
    nothing it reads has changed since a run that left claims.yaml as it was, return that run's result."""
    kept, made_from, text = _last_run("extract", project, merge_mod.CLAIM_FIELDS_READ, log)
    if kept is not None:
        return replace(kept, skipped=True)
    corpus = load_corpus(project, log)
    ledger = ledger_mod.load_cached(text)  # a broken ledger stops here, before anything is written
    claims = extract_all(list(corpus.sources.values()))
    for doc_id, source in corpus.sources.items():
        log(f"extract: {doc_id}: {len(claims[doc_id])} claims ({source.doc.title})")
    fresh = [c for doc_id in claims for c in claims[doc_id]]
    merged, report = merge_mod.merge_claims(ledger, fresh, set(corpus.sources), [d.id for d in corpus.docs])
    written = ledger_mod.save(merged, project.ledger)
    result = ExtractResult({doc_id: len(c) for doc_id, c in claims.items()}, report, written, corpus.problems)
    rerun.finished("extract", project.ledger, made_from, text, result)
    return result


def _last_run(command: str, project: Project, reads: frozenset[str], log: Log):
    """The result of command's kept run if this run can be skipped (else None), a digest of the reports
    and code, and the ledger's text."""
    made_from, text = rerun.inputs(project.seeds), ledger_mod.read(project.ledger)
    kept = rerun.last(command, project.ledger, made_from, text, reads)
    if kept is not None:
        log(f"{command}: skipped: nothing it reads has changed since it last ran")
        rerun.remember(command, project.ledger, made_from, text, kept)  # what a full run would keep
    return kept, made_from, text


@dataclass
class LinkResult:
    series: MergeReport
    checks: MergeReport
    written: bool
    problems: list[Problem]
    counts: dict[str, int]  # series, checks, failing (checks), targets
    skipped: bool = False  # nothing link reads changed since its last run, which left claims.yaml as it was
    evaluated: links_mod.Links | None = field(default=None, repr=False)
    project: Project | None = field(default=None, repr=False)

    @property
    def links(self) -> links_mod.Links:
        """The series, checks and targets, evaluated now if the run was skipped."""
        if self.evaluated is None:
            docs, _ = load_manifest(self.project.seeds)
            self.evaluated = links_mod.evaluate(ledger_mod.load(self.project.ledger), docs)
        return self.evaluated


@few_collections()
def run_link(project: Project, log: Log = quiet) -> LinkResult:
    """Propose series and derived checks into claims.yaml, keeping people's, and evaluate them all; or,
    if nothing it reads has changed since a run that left claims.yaml as it was, return that run's result."""
    kept, made_from, text = _last_run("link", project, links_mod.CLAIM_FIELDS_READ, log)
    if kept is not None:
        return replace(kept, skipped=True, project=project)
    corpus = load_corpus(project, log)
    ledger = ledger_mod.load_cached(text)
    linked, s_report, c_report = links_mod.link(ledger, corpus.docs)
    segment.remember()
    written = ledger_mod.save(linked, project.ledger)
    links = links_mod.evaluate(linked, corpus.docs)
    counts = {"series": len(links.series), "checks": len(links.results),
              "failing": sum(r.status == "fails" for r in links.results), "targets": len(links.targets)}
    result = LinkResult(s_report, c_report, written, corpus.problems, counts)
    rerun.finished("link", project.ledger, made_from, text, result)  # kept without the links: they are large
    return replace(result, evaluated=links, project=project)


@dataclass
class CheckResult:
    problems: list[Problem]  # the reports' and the ledger's
    links: links_mod.Links | None  # None when the ledger cannot be read
    corpus: Corpus | None = None
    ledger: ledger_mod.Ledger | None = None
    ledger_ok: bool = False
    config: dict | None = None  # the site's settings; None when they are wrong


@few_collections()
def run_check(project: Project, log: Log = quiet, base_url: str | None = None) -> CheckResult:
    """Every problem with the manifest, the reports, claims.yaml and the site's settings; and the findings
    of the checks."""
    corpus = load_corpus(project, log)
    try:
        config, problems = load_config(project, base_url), corpus.problems
    except HeshuError as e:
        config, problems = None, corpus.problems + e.problems
    try:
        ledger = ledger_mod.load(project.ledger)
    except HeshuError as e:
        return CheckResult(problems + e.problems, None, corpus)
    if not ledger.claims:
        return CheckResult(problems + [Problem(Location(ledger.path), "the ledger has no claims",
                                               "run `python build.py extract` to fill it")], None, corpus)
    validated = parallel.in_background(validate, ledger, corpus.sources, {d.id for d in corpus.docs},
                                       worth_it=len(ledger.claims) >= parallel.MANY)
    links = links_mod.evaluate(ledger, corpus.docs)
    ledger_problems = sorted(validated())
    return CheckResult(problems + ledger_problems, links, corpus, ledger, not ledger_problems, config)


@dataclass
class BuildResult:
    pages: int
    claims: int
    problems: list[Problem]
    unchanged: bool = False  # nothing a build reads changed since the last one: site/ was left as it was


SETTINGS = {"title": "核数 Heshu", "tagline": "", "description": "", "author": "核数 Heshu",
            "base_url": "https://example.org/"}


def load_config(project: Project, base_url: str | None = None) -> dict:
    """templates/site.yaml over the default settings, with the base URL overridden if one is given;
    HeshuError naming the line of each setting that is not text, and of a base URL that is not http(s)."""
    import yaml

    path, shown = project.templates / "site.yaml", "templates/site.yaml"
    node = resources.compose(resources.read_text(path, shown), shown) if path.exists() else None
    if node is not None and not isinstance(node, yaml.MappingNode):
        raise HeshuError([Problem(Location(shown, node.start_mark.line + 1), "the settings must be a mapping",
                                  "write one `name: value` a line, e.g. `title: 核数`")])
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value} if node is not None else {}
    try:
        config = {**SETTINGS, **(resources.construct(node) if node is not None else {})}
    except yaml.YAMLError as e:
        raise HeshuError([Problem(Location(shown, e.problem_mark.line + 1), f"a setting cannot be read ({e.problem})",
                                  "write a plain value")]) from None
    problems = [Problem(Location(shown, lines.get(k, 0)), f"`{k}` is not text", "write it as text, in quotes if needed")
                for k in SETTINGS if not isinstance(config[k], str)]
    if base_url:
        config["base_url"] = base_url
    if not problems and not config["base_url"].lower().startswith(("https://", "http://")):
        where = Location("--base-url") if base_url else Location(shown, lines.get("base_url", 0))
        problems.append(Problem(where, f"the base URL `{config['base_url']}` is not an http(s) address",
                                "give the address site/ is published at, starting with https:// or http://"))
    if problems:
        raise HeshuError(problems)
    return config


@collector.paused(then=gc.unfreeze)  # no rounds at all: after the pages, a round would walk the whole site
def run_build(project: Project, log: Log = quiet, base_url: str | None = None, once: bool = False) -> BuildResult:
    """Check the ledger, then write the site to site/, whole or not at all (see heshu.site.publish).

    With once=True the build keeps nothing for a quick rebuild (as in CI, from a clean clone, where no
    later build would use it): every page is rendered and written, and the next build is a full one.
    """
    from .site import history, state
    from .site.assemble import assemble
    from .site.pages import SiteInput
    from .site.publish import last_build, publish
    others, text = build_others(project, base_url), _ledger_bytes(project)
    ledger_digest = hashlib.sha1(text).hexdigest()
    inputs = _inputs(others, ledger_digest)
    summary = last_build(project.site, inputs)
    if summary is not None:
        return BuildResult(*summary, unchanged=True)
    patched = None if once else _rebuild(project, base_url, others, text, ledger_digest, log)
    if patched is not None:
        return patched
    checked = run_check(project, log, base_url)
    if not checked.ledger_ok or checked.config is None or not checked.corpus.docs:  # no docs: no manifest to read
        return BuildResult(0, 0, checked.problems)
    corpus, ledger = checked.corpus, checked.ledger
    try:
        methodology = _methodology(project)
    except HeshuError as e:
        return BuildResult(0, 0, checked.problems + e.problems)
    inp = SiteInput(checked.config, corpus.docs, corpus.sources, ledger, checked.links,
                    history.corrections(project.root), methodology)
    log("build: assembling pages")
    with few_collections():
        site = assemble(inp)
    log(f"build: writing {len(site.pages)} pages")
    keeping = state.Keeping(project.site)  # written on the other core while the build finishes
    if once:
        state.forget(project.site)  # what was kept is of the site/ this build replaces; it keeps nothing
    try:
        published = publish(site, project.templates, project.site, inp.config["base_url"],
                            rendered=None if once else keeping.pages_rendered, for_rebuild=not once)
    except BaseException:
        keeping.drop()
        raise
    result = BuildResult(len(site.pages), len(checked.links.facts), corpus.problems)
    _built(project, base_url, inputs, published, lambda done: keeping.finish(
        state.Meta(inputs, others, ledger_digest, done), text, published), result, keeping.drop)
    return result


def _methodology(project: Project) -> str:
    """The markdown of templates/pages/methodology.md ('' if there is none); HeshuError if it is not UTF-8."""
    path = project.templates / "pages" / "methodology.md"
    return resources.read_text(path, "templates/pages/methodology.md") if path.exists() else ""


def _built(project: Project, base_url: str | None, inputs: str, published, keep: Callable, result: BuildResult,
           drop: Callable = lambda: None) -> None:
    """Note what site/ was built from, and keep its pages for the next rebuild, unless the inputs were
    edited while it was built (then `drop` what would have been kept)."""
    from .site.publish import remember
    if build_inputs(project, base_url) == inputs:
        summary = (result.pages, result.claims, result.problems)
        keep(summary)
        remember(project.site, inputs, published.paths, summary)
    else:
        drop()


def _rebuild(project: Project, base_url: str | None, others: str, text: bytes, ledger_digest: str,
             log: Log) -> BuildResult | None:
    """The build after edits to people's fields of claims since the last build (see heshu.site.rebuild),
    or None if more than that changed."""
    from .site import state
    from .site.pages import PEOPLE_FIELDS
    from .site.publish import last_build
    from .site.rebuild import rebuild
    kept = state.open_state(project.site)
    meta = kept.meta() if kept else None
    if meta is None or meta.others != others or last_build(project.site, meta.inputs, whole=False) is None:
        return None
    before = kept.ledger(meta)
    edits = ledger_mod.edited_claims(before, text) if before is not None else None
    if not edits or any(fields - PEOPLE_FIELDS for _, fields in edits):
        return None  # more than such edits changed, or nothing did (and site/ lost a file)
    problems = sorted(p for entry, _ in edits for p in claim_problems(entry, "claims.yaml"))
    if problems:
        return BuildResult(0, 0, list(meta.summary[2]) + problems)
    docs, _ = load_manifest(project.seeds)
    try:
        done = rebuild(kept, project.site, project.templates, load_config(project, base_url), {d.id: d for d in docs},
                       {entry.id: entry.fields for entry, _ in edits})
    except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError):  # kept data damaged: a full build mends it
        done = None
    if done is None:
        return None
    published, rows = done
    log(f"build: {len(edits)} claims edited in people's fields only: rewrote the {len(published.pages)} pages "
        "that show them")
    result = BuildResult(*meta.summary)
    inputs = _inputs(others, ledger_digest)
    _built(project, base_url, inputs, published, lambda summary: kept.patch(
        state.Meta(inputs, others, ledger_digest, summary), text, published, rows), result)
    return result


def build_inputs(project: Project, base_url: str | None = None) -> str:
    """A digest of everything a build reads: the reports, the ledger, the templates, the ledger's git
    history, the base URL, and the code, data and packages of Heshu."""
    return _inputs(build_others(project, base_url), hashlib.sha1(_ledger_bytes(project)).hexdigest())


def build_others(project: Project, base_url: str | None = None) -> str:
    """A digest of everything a build reads but the ledger."""
    from .site import history
    h = hashlib.sha1(repr((base_url, cache.code_digest(), history.revisions(project.root))).encode("utf-8"))
    for folder in (project.seeds, project.templates):
        h.update(b"\0folder")
        cache.add_files(h, folder)
    return h.hexdigest()


def _ledger_bytes(project: Project) -> bytes:
    return project.ledger.read_bytes() if project.ledger.is_file() else b"\0none"


def _inputs(others: str, ledger_digest: str) -> str:
    return hashlib.sha1(f"{others}\0{ledger_digest}".encode("ascii")).hexdigest()
