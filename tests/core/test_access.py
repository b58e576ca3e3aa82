"""Who may see what: labels, readers and the search condition built from them (pure logic; the
routes that apply it are tested on real papers in tests/test_canary.py)."""

from __future__ import annotations

import pytest

from assistant.core.access import OPERATOR, PUBLIC, AccessError, Reader, groups_of, label_of
from assistant.core.filters import Filter


@pytest.mark.parametrize(
    ("groups", "label"),
    [
        ([], PUBLIC),
        (["public"], PUBLIC),
        (["Officers", " cabinet "], "cabinet,officers"),
        ("cabinet, officers, cabinet", "cabinet,officers"),
        (["public", "members"], "members"),
    ],
)
def test_a_label_is_the_sorted_groups_or_public(groups, label):
    assert label_of(groups if isinstance(groups, list) else groups.split(",")) == label
    assert groups_of(label) == frozenset(g.strip().lower() for g in label.split(",")) - {PUBLIC}


@pytest.mark.parametrize("bad", ["cab inet", "cabinet;drop", "x" * 65, "-leading"])
def test_a_group_that_cannot_be_a_label_is_refused_naming_it(bad):
    with pytest.raises(AccessError, match="is not a group name"):
        Reader.of(bad)


@pytest.mark.parametrize(
    ("reader", "label", "sees"),
    [
        (Reader.public(), PUBLIC, True),
        (Reader.public(), "cabinet", False),
        (Reader.of("officers"), "cabinet,officers", True),
        (Reader.of("officers"), "cabinet", False),
        (Reader.of("public"), "members", False),
        (Reader.of("cabinet"), "", False),  # unlabelled: the operator's only
        (OPERATOR, "", True),
        (OPERATOR, "cabinet", True),
    ],
)
def test_a_reader_sees_public_papers_and_those_of_their_groups(reader, label, sees):
    assert reader.may_see(label) is sees


def test_the_search_condition_admits_exactly_the_labels_a_reader_may_see():
    labels = {PUBLIC, "cabinet", "cabinet,officers", "members", ""}
    condition = Reader.of("officers").condition(labels)
    assert set(condition.value) == {PUBLIC, "cabinet,officers"}
    where = Filter((condition,))
    assert where.matches({"access": "cabinet,officers"})
    assert not where.matches({"access": "cabinet"}) and not where.matches({})
    assert Reader.public().condition(set()).value == (PUBLIC,)
    assert OPERATOR.condition(labels) is None


def test_readers_who_see_the_same_papers_share_a_cache_key():
    assert Reader.of("b,a", who="x").key == Reader.of(["a", "b"], who="y").key == "a,b"
    assert Reader.public().key == Reader.of("public").key == PUBLIC
    assert len({Reader.public().key, Reader.of("a").key, OPERATOR.key}) == 3
