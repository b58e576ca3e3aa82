"""The phases of `bench/scale.py`, each run in a fresh process so that its peak memory is its own:

    .venv/bin/python bench/scale_phases.py NAME ARG...      # prints one JSON object

Called by the driver; run by hand only to repeat one phase.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

# A fixed list, for comparable runs: the kinds of question councillors and officers ask.
QUESTIONS = (
    "How well are care leavers supported?",
    "What needs to improve in social work practice?",
    "How effective is the front door and MASH?",
    "Are children seen regularly by their social workers?",
    "What did inspectors say about the quality of supervision?",
    "How stable is the social work workforce?",
    "How are children at risk of exploitation protected?",
    "What is the quality of child protection planning?",
    "Do children in care live in stable placements?",
    "How well do leaders understand the quality of practice?",
    "What did Ofsted say about disabled children?",
    "How timely are assessments?",
    "Are private fostering arrangements well managed?",
    "How well does the local authority listen to children?",
    "What is the overall effectiveness judgement?",
    "How well are children missing from home followed up?",
    "Is management oversight of cases effective?",
    "How good is the quality of pathway plans?",
    "What support do foster carers receive?",
    "How are unaccompanied asylum-seeking children supported?",
)


def phase_ingest(corpus: Path, index: Path) -> dict:
    from assistant.engine import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings.from_env({}, index_dir=index))
    assistant.embedder.embed_passages(["warm up"] * 65)  # load the encoders before the clock
    started, cpu = time.perf_counter(), _cpu_s()
    report = assistant.ingest([corpus])
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return {
        "documents": report.files_indexed,
        "passages": report.passages,
        "ingest_s": round(seconds, 1),
        "ingest_passages_per_s": round(report.passages / seconds, 2),
        "ingest_passages_per_cpu_s": round(report.passages / cpu, 2),
        "ingest_peak_rss_mb": _peak_mb(),
    }


def phase_limit(index: Path, sample: int, which: str = "bulk") -> dict:
    """An encoder's own encode() on the same passage texts with the same batch settings:
    `which` is "bulk", the one ingest uses (bf16 on OpenVINO where the CPU has bf16 units), or
    "fp32", ONNX Runtime on the exported graph (the fp32 limit; torch where no graph can be had)."""
    import random

    from assistant.index.store import Store
    from assistant.settings import Settings
    from assistant.vectors.embedder import Embedder

    settings = Settings.from_env({}, index_dir=index)
    texts = [
        p.embedding_text(contextual=settings.contextual)
        for page in Store(settings, model_name=settings.model).iter_passages()
        for p in page
    ]
    if sample and len(texts) > sample:
        texts = random.Random(8).sample(texts, sample)
    embedder = Embedder(
        settings.model,
        batch_size=settings.embed_batch,
        threads=settings.threads,
        cache=settings.encoder_cache,
        bulk_precision=settings.bulk_precision,
    )
    encoder = embedder.bulk if which == "bulk" else embedder.encoder
    encoder.encode(["warm up"] * 65, batch_size=settings.embed_batch)
    started, cpu = time.perf_counter(), _cpu_s()
    encoder.encode(texts, batch_size=settings.embed_batch)
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return {
        "limit_encoder": embedder.bulk_note if which == "bulk" else "fp32",
        "limit_passages": len(texts),
        "limit_s": round(seconds, 1),
        "limit_passages_per_s": round(len(texts) / seconds, 2),
        "limit_passages_per_cpu_s": round(len(texts) / cpu, 2),
    }


def phase_query(index: Path) -> dict:
    """Warm end-to-end `ask` latency: model and keyword index loaded, each question new."""
    import psutil

    from assistant.core.access import OPERATOR, Reader
    from assistant.engine import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings.from_env({}, index_dir=index))
    assistant.warm()
    assistant.ask("Which council was inspected?")
    # A signed-out reader's questions go to a second assistant: its own caches, so neither
    # reader is answered from vectors the other's question left behind.
    public, signed_out = Reader.public(), Assistant(Settings.from_env({}, index_dir=index))
    signed_out.warm()
    signed_out.ask("Which council was inspected?", reader=public)
    latencies, searches, filtered = [], [], []
    for question in QUESTIONS:
        started = time.perf_counter()
        assistant.ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
        # Retrieval alone (question vector cached): at 10x every passage exists ten times, so the
        # answer step finds ten copies of each sentence and embeds each text once; this part is
        # the one that grows with the store.
        started = time.perf_counter()
        assistant.retriever.search(question, reader=OPERATOR)
        searches.append((time.perf_counter() - started) * 1000)
        # The same question from a signed-out reader: every search carries the access
        # condition (Chroma's `where`, the keyword index's mask), which the operator's lacks.
        started = time.perf_counter()
        signed_out.ask(question, reader=public)
        filtered.append((time.perf_counter() - started) * 1000)
    return {
        "passages": assistant.store.count(),
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p95_ms": round(_percentile(latencies, 95), 1),
        "query_public_p50_ms": round(statistics.median(filtered), 1),
        "query_public_p95_ms": round(_percentile(filtered, 95), 1),
        "search_p50_ms": round(statistics.median(searches), 1),
        "search_p95_ms": round(_percentile(searches, 95), 1),
        "query_rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        "query_peak_rss_mb": _peak_mb(),
    }


def phase_grow(source: Path, target: Path, scale: int) -> dict:
    """A `scale`-times store: every 1x passage and vector again under new document ids,
    written a page at a time (never all in memory), then the keyword index built."""
    from assistant.index.keyword import ensure_keyword_index
    from assistant.index.store import Store
    from assistant.settings import Settings

    src_settings = Settings.from_env({}, index_dir=source)
    dst_settings = Settings.from_env({}, index_dir=target)
    src = Store(src_settings, model_name=src_settings.model)
    dst = Store(dst_settings, model_name=dst_settings.model, create=True)
    records = src.records()
    started = time.perf_counter()
    written = 0
    for copy in range(scale):
        written += _copy_passages(src, dst, copy)
        dst.register(*(_renamed(r, copy) for r in records))
    store_s = time.perf_counter() - started
    started = time.perf_counter()
    ensure_keyword_index(dst_settings, dst)
    keyword_s = time.perf_counter() - started
    return {
        "passages": written,
        "documents": len(records) * scale,
        "store_write_s": round(store_s, 1),
        "store_passages_per_s": round(written / store_s, 1),
        "keyword_build_s": round(keyword_s, 1),
        "grow_peak_rss_mb": _peak_mb(),
    }


def phase_subset(source: Path, target: Path, docs: int) -> dict:
    """A store of the first `docs` documents of `source`, their passages and vectors copied:
    the query latency at 100 and 300 reports without embedding them again."""
    from assistant.index.store import Store
    from assistant.settings import Settings

    src_settings = Settings.from_env({}, index_dir=source)
    dst_settings = Settings.from_env({}, index_dir=target)
    src = Store(src_settings, model_name=src_settings.model)
    dst = Store(dst_settings, model_name=dst_settings.model, create=True)
    records = src.records()[:docs]
    for start in range(0, len(records), 50):
        ids = [r.doc_id for r in records[start : start + 50]]
        got = src.passages.get(
            where={"doc_id": {"$in": ids}}, include=["documents", "metadatas", "embeddings"]
        )
        dst.passages.upsert(
            ids=got["ids"],
            embeddings=got["embeddings"],
            documents=got["documents"],
            metadatas=got["metadatas"],
        )
    dst.register(*records)
    return {"documents": len(records), "passages": dst.count()}


def _copy_passages(src, dst, copy: int, page: int = 1000) -> int:
    offset = written = 0
    while True:
        got = src.passages.get(
            include=["documents", "metadatas", "embeddings"], limit=page, offset=offset
        )
        if not len(got["ids"]):
            return written
        metas = [
            {**m, "doc_id": _new_id(m["doc_id"], copy), "source": f"copy{copy}/{m['source']}"}
            for m in got["metadatas"]
        ]
        dst.passages.upsert(
            ids=[f"{_new_id(i.split(':')[0], copy)}:{i.split(':', 1)[1]}" for i in got["ids"]],
            embeddings=got["embeddings"],
            documents=got["documents"],
            metadatas=metas,
        )
        offset += len(got["ids"])
        written += len(got["ids"])


def _new_id(doc_id: str, copy: int) -> str:
    return doc_id if copy == 0 else f"{doc_id}x{copy}"


def _renamed(record, copy: int):
    from dataclasses import replace

    return replace(
        record, doc_id=_new_id(record.doc_id, copy), source=f"copy{copy}/{record.source}"
    )


def _cpu_s() -> float:
    """CPU seconds of this process, all threads: on a shared machine, wall time also counts
    other people's work, CPU time only ours."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


PHASES = {
    "ingest": lambda c, i: phase_ingest(Path(c), Path(i)),
    "limit": lambda i, n, which="bulk": phase_limit(Path(i), int(n), which),
    "query": lambda i: phase_query(Path(i)),
    "grow": lambda s, t, n: phase_grow(Path(s), Path(t), int(n)),
    "subset": lambda s, t, n: phase_subset(Path(s), Path(t), int(n)),
}


def main(argv: list[str]) -> int:
    from assistant.offline import offline_environment

    offline_environment()
    name, *rest = argv
    print(json.dumps(PHASES[name](*rest)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
