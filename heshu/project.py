"""The Python API behind build.py: each command as one function over a project folder."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import ledger as ledger_mod
from .documents import load_manifest, load_source
from .errors import HeshuError, Location, Problem
from .extract import extract
from .model import Claim, Document, Source

Log = Callable[[str], None]


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


def load_corpus(project: Project, log: Log = lambda s: None) -> Corpus:
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
    report: ledger_mod.MergeReport
    written: bool
    problems: list[Problem]


def run_extract(project: Project, log: Log = lambda s: None) -> ExtractResult:
    """Find the claims in every report and merge them into claims.yaml, keeping people's edits."""
    corpus = load_corpus(project, log)
    ledger = ledger_mod.load(project.ledger)  # a broken ledger stops here, before anything is written
    claims = {}
    for doc_id, source in corpus.sources.items():
        claims[doc_id] = extract(source)
        log(f"extract: {doc_id}: {len(claims[doc_id])} claims ({source.doc.title})")
    fresh = [c for doc_id in claims for c in claims[doc_id]]
    merged, report = ledger_mod.merge(ledger, fresh, set(corpus.sources))
    merged = ledger_mod.sort_entries(merged, [d.id for d in corpus.docs])
    written = ledger_mod.save(merged, project.ledger)
    return ExtractResult(claims, report, written, corpus.problems)


def run_check(project: Project, log: Log = lambda s: None) -> list[Problem]:
    """Every problem with the manifest, the reports and claims.yaml, in one list."""
    corpus = load_corpus(project, log)
    try:
        ledger = ledger_mod.load(project.ledger)
    except HeshuError as e:
        return corpus.problems + e.problems
    if not ledger.entries:
        return corpus.problems + [Problem(Location(ledger.path), "the ledger has no claims",
                                          "run `python build.py extract` to fill it")]
    known = {d.id for d in corpus.docs}
    return corpus.problems + ledger_mod.validate(ledger, corpus.sources, known)
