"""Written summaries on real questions: how many sentences a model wrote, how many the check
kept and dropped (and why), what the summary adds to each answer's latency, and the coverage
threshold's calibration.

    .venv/bin/python bench/summaries.py --url http://127.0.0.1:8771/v1 --model gemma-3-270m \\
        --index /tmp/idx ../shared/eval/dev-questions.jsonl ../shared/eval/dev-questions-2.jsonl

Calibration without hand labels: each written sentence that passes the exact-fact checks is
scored for content-word coverage twice, against the quotes it cites and against the quotes of
another question's answer. A threshold should pass the first and fail the second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.offline import offline_environment  # noqa: E402

offline_environment()

from assistant.engine import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.summary.grounding import content_coverage, without_markers  # noqa: E402
from assistant.summary.summarise import quotes_of  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.9)


def load(paths: list[Path]) -> list[str]:
    lines = (line for p in paths for line in p.read_text(encoding="utf-8").splitlines())
    return [json.loads(line)["question"] for line in lines if line.strip()]


def run(assistant: Assistant, questions: list[str]) -> list:
    assistant.warm()
    out = []
    for number, question in enumerate(questions, 1):
        answer = assistant.ask(question)
        summary = answer.summary
        status = "declined" if summary is None else summary.error or f"{len(summary.kept)} kept"
        print(f"{number:3d}/{len(questions)} {status}: {question[:70]}", file=sys.stderr)
        out.append(answer)
    return out


def calibration(answers: list) -> dict:
    """Coverage of fact-clean sentences against their own quotes and another answer's."""
    summarised = [a for a in answers if a.summary and a.summary.sentences]
    own, other = [], []
    for i, answer in enumerate(summarised):
        stranger = summarised[(i + 1) % len(summarised)]
        for s in answer.summary.sentences:
            if not s.markers or s.reason.split(" ")[0] in FACT_REASONS:
                continue
            body = without_markers(s.text)
            mine = quotes_of(answer.citations)
            if not set(s.markers) <= set(mine):
                continue
            own.append(content_coverage(body, "\n".join(mine[m] for m in s.markers)) or 0.0)
            theirs = "\n".join(quotes_of(stranger.citations).values())
            other.append(content_coverage(body, theirs) or 0.0)
    return {
        "sentences": len(own),
        "pass_own": {t: _share(own, t) for t in THRESHOLDS},
        "pass_other": {t: _share(other, t) for t in THRESHOLDS},
    }


FACT_REASONS = {"number", "date", "council", "judgement", "name", "negation", "beyond", "repeats"}


def _share(values: list[float], threshold: float) -> float:
    return round(sum(v >= threshold for v in values) / len(values), 3) if values else 0.0


def report(answers: list) -> dict:
    summaries = [a.summary for a in answers if a.summary]
    sentences = [s for summary in summaries for s in summary.sentences]
    kept = [s for s in sentences if s.kept]
    dropped = [s for s in sentences if not s.kept]
    reasons = Counter(reason_kind(s.reason) for s in dropped)
    examples = {}
    for s in dropped:
        examples.setdefault(reason_kind(s.reason), f"{s.shown()}  <- {s.reason}")
    added = sorted(summary.seconds for summary in summaries)
    extractive = sorted(a.seconds for a in answers)
    return {
        "questions": len(answers),
        "answered": sum(a.answered for a in answers),
        "with_summary": sum(bool(s.text) for s in summaries),
        "no_summary_all_dropped": sum(not s.text and not s.error for s in summaries),
        "errors": [s.error for s in summaries if s.error],
        "written": len(sentences),
        "kept": len(kept),
        "dropped": len(sentences) - len(kept),
        "drop_reasons": dict(reasons.most_common()),
        "added_seconds": _spread(added),
        "extractive_seconds": _spread(extractive),
        "kept_examples": [s.shown() for s in kept[:6]],
        "dropped_examples": examples,
        "calibration": calibration(answers),
    }


def reason_kind(reason: str) -> str:
    """ "only 43% of its content words ..." and "only 50% ..." are one kind of reason."""
    if reason.startswith("only "):
        return "content-word coverage below the threshold"
    if reason.startswith("cites ["):
        return "cites a quote number the answer does not have"
    return reason.split(":")[0]


def _spread(values: list[float]) -> dict:
    if not values:
        return {}
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {
        "p50": round(statistics.median(values), 3),
        "p95": round(p95, 3),
        "mean": round(statistics.fmean(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path, help="JSON lines with `question`")
    parser.add_argument("--url", required=True, help="the OpenAI-compatible endpoint")
    parser.add_argument("--model", default="", help="model name to send")
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="also write the full report here")
    args = parser.parse_args()
    settings = replace(
        Settings.from_env(index_dir=args.index),
        llm_url=args.url,
        llm_model=args.model,
        llm_timeout=args.timeout,
    )
    result = report(run(Assistant(settings, create=False), load(args.questions)))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
