"""The question reader: a fit on example asks over the real model's embeddings, kept on disk
once per model, answering only when it is sure."""

from __future__ import annotations

import json

import pytest

from assistant.answering import asks
from assistant.answering.asks import AskReader
from assistant.answering.intent import Shape, Spread, understand
from assistant.settings import DEFAULT_MODEL
from assistant.vectors.embedder import Embedder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder():
    return Embedder(DEFAULT_MODEL)


def _reader(embedder, cache, model=DEFAULT_MODEL):
    return AskReader(embedder.embed, embedder.embed_query, model=model, cache=cache)


def test_the_fit_is_kept_and_read_back_without_embedding_the_examples(embedder, tmp_path):
    first = _reader(embedder, tmp_path)
    assert first.shape("What has Leeds still got to fix?") == Shape.LIST
    kept = list((tmp_path / "asks").glob("*.npz"))
    assert len(kept) == 1

    def refuse(texts):
        raise AssertionError("the kept fit should be read, not made again")

    again = AskReader(refuse, embedder.embed_query, model=DEFAULT_MODEL, cache=tmp_path)
    assert again.shape("What has Leeds still got to fix?") == Shape.LIST
    _reader(embedder, tmp_path, model="another-model").shape("Why?")
    assert len(list((tmp_path / "asks").glob("*.npz"))) == 2, "another model, another fit"


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("Where does Leeds have to do better?", Shape.LIST),
        ("Is Wigan in a bad way?", Shape.JUDGEMENT),
        ("Point me to somewhere that gets life-story work right.", Shape.EXAMPLES),
        ("What did cabinet end up doing about the contracts?", Shape.DECISION),
    ],
)
def test_an_ask_in_plain_words_gets_its_shape(embedder, tmp_path_factory, question, shape):
    reader = _reader(embedder, tmp_path_factory.mktemp("asks"))
    assert understand(question).shape == Shape.FACT  # no pattern sees it
    assert understand(question, asks=reader).shape == shape


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("What has Leeds still got to fix after its 2023 inspection?", Shape.LIST),
        ("Is there anything Devon still has to sort out in children's services?", Shape.LIST),
        ("Is Wigan in a bad way since the focused visit in May 2021?", Shape.JUDGEMENT),
    ],
)
def test_an_ask_placed_by_its_inspection_keeps_its_shape(
    embedder, tmp_path_factory, question, shape
):
    # The reader learns from placed examples: "after its 2023 inspection" is not the ask.
    reader = _reader(embedder, tmp_path_factory.mktemp("asks"))
    assert understand(question).shape == Shape.FACT
    assert understand(question, asks=reader).shape == shape


@pytest.mark.parametrize(
    "question",
    [
        "Does Leeds keep getting criticised over supervision?",
        "Have inspectors flagged placements in Kent before?",
        "Is adoption in Wigan still a problem after all these years?",
    ],
)
def test_a_change_across_reports_is_read_as_a_spread(embedder, tmp_path_factory, question):
    reader = _reader(embedder, tmp_path_factory.mktemp("asks"))
    assert understand(question).spread == Spread.ANYWHERE  # no pattern sees it
    intent = understand(question, asks=reader)
    assert intent.spread == Spread.OVER_TIME
    assert intent.shape == Shape.FACT and not intent.read


def test_a_plain_question_stays_a_fact(embedder, tmp_path):
    reader = _reader(embedder, tmp_path)
    for question in (
        "How high are caseloads in Leeds?",
        "Who chairs the corporate parenting panel?",
        "What did inspectors say about the front door in Wigan?",
        "Who is overseeing improvement in Leeds?",  # "improvement" is its topic, not its ask
    ):
        assert reader.shape(question) is None, question
        assert not reader.changes(question), question


def test_the_examples_are_drawn_the_same_way_each_time():
    data = json.loads(asks.DATA.read_text(encoding="utf-8"))
    first, again = asks.examples(data), asks.examples(data)
    assert first == again
    texts, labels, shapes = first
    assert set(shapes) == {
        asks.CHANGE,
        *(
            s.value
            for s in (
                Shape.LIST,
                Shape.JUDGEMENT,
                Shape.REASON,
                Shape.DECISION,
                Shape.EXAMPLES,
                Shape.FACT,
            )
        ),
    }
    assert len(texts) == len(labels) == asks.FILLS * sum(map(len, data["frames"].values()))
    assert not any("{" in t for t in texts)
    placed = [t for t in texts if any(t.rstrip("?.").endswith(p) for p in data["places"])]
    assert 0.7 < len(placed) / len(texts) < 0.95, "most examples are placed, not all"
