"""The Python API behind build.py: each command as one function over a project folder."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import ledger as ledger_mod
from . import links as links_mod
from .documents import load_manifest, load_source
from .errors import HeshuError, Location, Problem
from .extract import extract
from .merge import MergeReport, merge_claims
from .model import Claim, Document, Source
from .schema import validate

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


@dataclass
class Corpus:
    """The documents that could be read, and the problems of those that could not."""

    docs: list[Document]
    sources: dict[str, Source]
    problems: list[Problem] = field(default_factory=list)


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


@dataclass
class ExtractResult:
    claims: dict[str, list[Claim]]
    report: MergeReport
    written: bool
    problems: list[Problem]


def run_extract(project: Project, log: Log = quiet) -> ExtractResult:
    """Find the claims in every report and merge them into claims.yaml, keeping people's edits."""
    corpus = load_corpus(project, log)
    ledger = ledger_mod.load(project.ledger)  # a broken ledger stops here, before anything is written
    claims = {}
    for doc_id, source in corpus.sources.items():
        claims[doc_id] = extract(source)
        log(f"extract: {doc_id}: {len(claims[doc_id])} claims ({source.doc.title})")
    fresh = [c for doc_id in claims for c in claims[doc_id]]
    merged, report = merge_claims(ledger, fresh, set(corpus.sources), [d.id for d in corpus.docs])
    written = ledger_mod.save(merged, project.ledger)
    return ExtractResult(claims, report, written, corpus.problems)


@dataclass
class LinkResult:
    links: links_mod.Links
    series: MergeReport
    checks: MergeReport
    written: bool
    problems: list[Problem]


def run_link(project: Project, log: Log = quiet) -> LinkResult:
    """Propose series and derived checks into claims.yaml, keeping people's, and evaluate them all."""
    corpus = load_corpus(project, log)
    ledger = ledger_mod.load(project.ledger)
    linked, s_report, c_report = links_mod.link(ledger, corpus.docs)
    written = ledger_mod.save(linked, project.ledger)
    return LinkResult(links_mod.evaluate(linked, corpus.docs), s_report, c_report, written, corpus.problems)


@dataclass
class CheckResult:
    problems: list[Problem]
    links: links_mod.Links | None


def run_check(project: Project, log: Log = quiet) -> CheckResult:
    """Every problem with the manifest, the reports and claims.yaml; and the findings of the checks."""
    corpus = load_corpus(project, log)
    try:
        ledger = ledger_mod.load(project.ledger)
    except HeshuError as e:
        return CheckResult(corpus.problems + e.problems, None)
    if not ledger.claims:
        return CheckResult(corpus.problems + [Problem(Location(ledger.path), "the ledger has no claims",
                                                      "run `python build.py extract` to fill it")], None)
    problems = corpus.problems + sorted(validate(ledger, corpus.sources, {d.id for d in corpus.docs}))
    return CheckResult(problems, links_mod.evaluate(ledger, corpus.docs))
