"""The council list and the registry of councils replaced in reorganisations."""

from __future__ import annotations

from assistant.core import councils


def test_a_replaced_council_names_its_successors_and_the_year():
    northants = councils.reorganised("Northamptonshire County Council")
    assert northants.successors == ("North Northamptonshire", "West Northamptonshire")
    assert northants.year == 2021
    assert councils.reorganised("Poole").successors == ("Bournemouth, Christchurch and Poole",)
    assert councils.reorganised("Cumbria").describe() == (
        "Cumbria was replaced by Cumberland and Westmorland and Furness in 2023"
    )


def test_a_council_still_in_being_has_no_reorganisation():
    assert councils.reorganised("Kent") is None
    assert councils.reorganised("North Northamptonshire") is None
    assert councils.reorganised("Atlantis") is None


def test_every_council_of_the_registry_is_in_the_list():
    known = {c.name for c in councils.councils()}
    for old in ("Bournemouth", "Poole", "Northamptonshire", "Cumbria"):
        change = councils.reorganised(old)
        assert change.predecessor in known and set(change.successors) <= known
