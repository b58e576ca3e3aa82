"""Evaluation: run a question set through the real `ask` path (and baselines) and score it.

A question file is JSON lines with `id, question, answerable, files, quotes[{file, text}]`.
Scoring is pure functions over `Answer`s, so it can be tested with literals; `evaluate` is the
only part that runs the model. Baselines answer the same questions without the answer step:
`dense` (plain top-k vector search) and `bm25` (plain top-k keyword search), their passages
cited whole and never abstaining, which is what a minimal RAG script would show a reader.
`hybrid` cites the assistant's own fused retrieval the same way: the ceiling the answer step
works within, so a failure can be told apart as retrieval's or answering's.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from assistant.core.access import OPERATOR
from assistant.core.answer import Answer, Citation

QUOTE_COVERAGE = 0.8  # share of a gold quote's words that one citation must contain
BASELINES = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class GoldQuote:
    file: str
    text: str


EXAMPLE_TYPES = frozenset({"example", "good-practice-example"})


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    files: tuple[str, ...] = ()
    quotes: tuple[GoldQuote, ...] = ()
    type: str = ""  # the kind of question (lists, reasons, numbers...), when the file says
    split: str = ""  # "tune" or "check", when the file says
    paraphrase_of: str = ""  # the id of the question this one rewords

    @property
    def group(self) -> str:
        """A question and its paraphrases share a group: the original's id."""
        return self.paraphrase_of or self.id

    @property
    def any_listed_file_will_do(self) -> bool:
        """Example questions: every listed file holds a verified good example."""
        return self.type in EXAMPLE_TYPES


@dataclass(frozen=True)
class Outcome:
    """How one system did on one question. Hits are None where they do not apply."""

    id: str
    answerable: bool
    answered: bool
    document_hit: bool | None
    quote_hit: bool | None  # gold quotes covered by a citation's quote plus its excerpt
    quote_only_hit: bool | None  # ... by a citation's quoted words alone: what is read out
    abstention_ok: bool
    rank: int | None  # 1-based position of the first citation from a gold file
    seconds: float
    cited: tuple[str, ...]
    why: str = ""
    type: str = ""
    split: str = ""
    declined: str = ""  # the decline rule given, when the system declined
    group: str = ""  # the original question's id, shared by its paraphrases
    paraphrase: bool = False

    @property
    def failed(self) -> bool:
        return not self.abstention_ok or self.document_hit is False or self.quote_hit is False

    @property
    def succeeded(self) -> bool:
        """A quote hit for an answerable question, a decline for an unanswerable one."""
        return bool(self.quote_hit) if self.answerable else not self.answered


@dataclass(frozen=True)
class Figures:
    questions: int
    answerable: int
    unanswerable: int
    document_hit: float
    quote_hit: float
    quote_only_hit: float
    answered_answerable: int
    abstained_unanswerable: int
    mrr: float
    p50_seconds: float
    p95_seconds: float
    groups: int = 0  # question groups with at least one paraphrase
    consistent_groups: int = 0  # ... whose members all succeed (the question in any wording)

    @property
    def consistency(self) -> float | None:
        return self.consistent_groups / self.groups if self.groups else None


@dataclass
class SystemReport:
    name: str
    summary: Figures
    outcomes: list[Outcome] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "summary": asdict(self.summary),
            "questions": [asdict(o) | {"failed": o.failed} for o in self.outcomes],
        }


# --- loading -------------------------------------------------------------------------------


def load_questions(path) -> list[Question]:
    """Read a JSON-lines question file; blank lines are skipped, a bad line names its number."""
    questions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                questions.append(_question(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a valid question ({exc})") from exc
    return questions


def _question(data: dict) -> Question:
    quotes = tuple(GoldQuote(q["file"], q["text"]) for q in data.get("quotes") or ())
    return Question(
        id=str(data["id"]),
        question=data["question"],
        answerable=bool(data["answerable"]),
        files=tuple(data.get("files") or ()),
        quotes=quotes,
        type=str(data.get("type") or ""),
        split=str(data.get("split") or ""),
        paraphrase_of=str(data.get("paraphrase_of") or ""),
    )


# --- scoring: pure functions ---------------------------------------------------------------

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SINGLE = re.compile(r"[\u2018\u2019\u201a\u201b\u2032`]")
_DOUBLE = re.compile(r"[\u201c\u201d\u201e\u201f\u2033]")
# A hyphen between word characters, possibly followed by the line break or space it was
# split at: "reable-\nment", "reable- ment" and "reablement" must all compare equal, so
# hyphenated words are compared joined.
_HYPHEN = re.compile(r"(?<=\w)-\s*(?=\w)")


def normalise_words(text: str) -> list[str]:
    """Words for comparison: curly quotes straightened, hyphenation joined, case folded."""
    text = text.replace("\u00ad", "")
    text = _DOUBLE.sub('"', _SINGLE.sub("'", _DASHES.sub("-", text)))
    text = _HYPHEN.sub("", text)
    return re.findall(r"\w+", text.casefold())


def file_key(name: str) -> str:
    """A file compared by name without folder or extension: `seeds/a.txt` and `a.txt` match."""
    return PurePosixPath(name.replace("\\", "/")).stem.casefold()


def quote_coverage(gold: str, cited: str) -> float:
    """Share of the gold quote's words (counted with repeats) found in the cited text."""
    want = Counter(normalise_words(gold))
    if not want:
        return 1.0
    have = Counter(normalise_words(cited))
    return sum(min(n, have[w]) for w, n in want.items()) / sum(want.values())


def document_hit(files, citations: list[Citation]) -> bool:
    """True when any gold file is among the citations' sources."""
    gold = {file_key(f) for f in files}
    return any(file_key(c.source) in gold for c in citations)


def first_gold_rank(files, citations: list[Citation]) -> int | None:
    gold = {file_key(f) for f in files}
    return next((i for i, c in enumerate(citations, 1) if file_key(c.source) in gold), None)


def best_coverage(quote: GoldQuote, citations: list[Citation], *, quoted: bool = False) -> float:
    """The best coverage of `quote` by one citation from its own file: its quote plus excerpt,
    or (`quoted`) the quoted words alone."""
    key = file_key(quote.file)
    return max(
        (
            quote_coverage(quote.text, c.quote if quoted else f"{c.quote}\n{c.excerpt}")
            for c in citations
            if file_key(c.source) == key
        ),
        default=0.0,
    )


def quote_hit(
    quotes,
    citations: list[Citation],
    *,
    threshold: float = QUOTE_COVERAGE,
    quoted: bool = False,
) -> bool:
    """True when every gold quote is covered by one citation from its file (`quoted`: by the
    citation's quoted words alone)."""
    return all(best_coverage(q, citations, quoted=quoted) >= threshold for q in quotes)


def score(question: Question, answer: Answer, *, seconds: float) -> Outcome:
    """Score one answer against its gold question."""
    cited = tuple(dict.fromkeys(c.source for c in answer.citations))
    common = {
        "id": question.id,
        "answerable": question.answerable,
        "answered": answer.answered,
        "abstention_ok": answer.answered == question.answerable,
        "seconds": seconds,
        "cited": cited,
        "type": question.type,
        "split": question.split,
        "declined": answer.declined.rule if answer.declined else "",
        "group": question.group,
        "paraphrase": bool(question.paraphrase_of),
    }
    if not question.answerable:
        why = "" if common["abstention_ok"] else "answered an unanswerable question"
        return Outcome(
            document_hit=None, quote_hit=None, quote_only_hit=None, rank=None, why=why, **common
        )
    doc = document_hit(question.files, answer.citations)
    if question.any_listed_file_will_do:
        quote = quoted = doc
    else:
        quote = quote_hit(question.quotes, answer.citations)
        quoted = quote_hit(question.quotes, answer.citations, quoted=True)
    rank = first_gold_rank(question.files, answer.citations)
    why = _why(question, answer, doc=doc, quote=quote)
    return Outcome(
        document_hit=doc, quote_hit=quote, quote_only_hit=quoted, rank=rank, why=why, **common
    )


def _why(question: Question, answer: Answer, *, doc: bool, quote: bool) -> str:
    """Why an answerable question failed, in words a person can act on."""
    if not answer.answered:
        return "wrongly abstained"
    reasons = [] if doc else ["wrong document"]
    cited = {file_key(c.source) for c in answer.citations}
    missing = [file_key(f) for f in question.files if file_key(f) not in cited]
    if doc and missing:
        reasons.append("missing " + ", ".join(missing))
    for number, gold in enumerate(question.quotes, 1):
        cover = best_coverage(gold, answer.citations)
        if not quote and cover < QUOTE_COVERAGE:
            reasons.append(f"quote {number} ({file_key(gold.file)}) {cover:.0%} covered")
    return "; ".join(reasons)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(outcomes: list[Outcome]) -> Figures:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    seconds = [o.seconds for o in outcomes]
    groups = paraphrase_groups(outcomes)
    return Figures(
        questions=len(outcomes),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        document_hit=_share(o.document_hit for o in answerable),
        quote_hit=_share(o.quote_hit for o in answerable),
        quote_only_hit=_share(o.quote_only_hit for o in answerable),
        answered_answerable=sum(o.answered for o in answerable),
        abstained_unanswerable=sum(not o.answered for o in unanswerable),
        mrr=_share(1.0 / o.rank if o.rank else 0.0 for o in answerable),
        p50_seconds=percentile(seconds, 50),
        p95_seconds=percentile(seconds, 95),
        groups=len(groups),
        consistent_groups=sum(all(o.succeeded for o in g) for g in groups),
    )


def paraphrase_groups(outcomes: list[Outcome]) -> list[list[Outcome]]:
    """The outcomes of each question asked in more than one wording, grouped."""
    by_group: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_group.setdefault(o.group or o.id, []).append(o)
    return [g for g in by_group.values() if len(g) > 1]


def _share(values) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else 0.0


# --- systems: the assistant and the baselines ----------------------------------------------

AnswerFn = Callable[[str], Answer]


@dataclass(frozen=True)
class System:
    name: str
    answer: AnswerFn


def systems_for(
    assistant, *, k: int | None = None, baselines=(), baseline_k: int | None = None
) -> list[System]:
    """The real `ask` path, then each named baseline, all over the same index."""
    k = k or assistant.policy.passages
    systems = [System("assistant", lambda q: assistant.ask(q, k=k))]
    for name in baselines:
        if name not in BASELINES:
            raise ValueError(f"unknown baseline {name!r}; choose from {', '.join(BASELINES)}")
        top = baseline_k or k
        fn = {"dense": _dense, "bm25": _bm25, "hybrid": _hybrid}[name]
        systems.append(System(name, lambda q, fn=fn, top=top: fn(assistant, q, k=top)))
    return systems


def _dense(assistant, question: str, *, k: int) -> Answer:
    hits = assistant.store.query(assistant.embedder.embed_query(question), k=k)
    return _passages_answer(question, [(h.passage, h.score) for h in hits])


def _bm25(assistant, question: str, *, k: int) -> Answer:
    ranked = assistant.retriever.keyword_index().search(question, k=k)
    by_id = {h.passage.id: h.passage for h in assistant.store.get([r.id for r in ranked])}
    return _passages_answer(question, [(by_id[r.id], r.score) for r in ranked if r.id in by_id])


def _hybrid(assistant, question: str, *, k: int) -> Answer:
    hits = assistant.retriever.search(question, reader=OPERATOR, k=k)
    return _passages_answer(question, [(h.passage, h.similarity) for h in hits])


def _passages_answer(question: str, passages: list) -> Answer:
    """Passages cited whole, in rank order; a baseline never abstains."""
    citations = [Citation.of(p, number=i, score=s) for i, (p, s) in enumerate(passages, 1)]
    text = "\n\n".join(f"{c.quote} [{c.id}]" for c in citations)
    return Answer(question, True, text, citations, [])


def evaluate(
    questions: list[Question], systems: list[System], *, progress=None
) -> list[SystemReport]:
    """Run every question through every system, timing each answer."""
    reports = []
    for system in systems:
        outcomes = []
        for question in questions:
            started = time.perf_counter()
            answer = system.answer(question.question)
            outcomes.append(score(question, answer, seconds=time.perf_counter() - started))
            if progress:
                progress(system.name, question.id)
        reports.append(SystemReport(system.name, summarise(outcomes), outcomes))
    return reports
