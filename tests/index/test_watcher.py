"""The change watcher on its own: a fake clock and a fake stamp source, no index."""

from __future__ import annotations

import pytest
from helpers.fake_clock import FakeClock

from assistant.index.watcher import ChangeWatcher


class Stamps:
    """A stamp source that counts how often it is read."""

    def __init__(self, value: str):
        self.value = value
        self.reads = 0

    def __call__(self) -> str:
        self.reads += 1
        return self.value


def watcher(stamps: Stamps, clock: FakeClock, period: float = 1.0) -> ChangeWatcher[str]:
    return ChangeWatcher(stamps, period=period, clock=clock)


def test_changed_looks_at_most_once_a_period():
    clock, stamps = FakeClock(), Stamps("reg:g1:3")
    watch = watcher(stamps, clock)
    assert watch.changed() is True, "the first look counts: nothing was known before it"
    assert (stamps.reads, watch.seen) == (1, "reg:g1:3")

    stamps.value = "reg:g2:4"
    clock.advance(0.999)
    assert watch.changed() is False, "within the period nothing is read"
    assert stamps.reads == 1

    clock.advance(0.001)
    assert watch.changed() is True
    assert (stamps.reads, watch.seen) == (2, "reg:g2:4")

    clock.advance(1.0)
    assert watch.changed() is False, "looked again, and nothing moved"
    assert stamps.reads == 3


def test_current_answers_from_the_last_look_until_the_period_passes():
    clock, stamps = FakeClock(), Stamps("reg:g1:3")
    watch = watcher(stamps, clock, period=2.0)
    assert watch.current() == "reg:g1:3"
    stamps.value = "reg:g2:3"
    clock.advance(1.5)
    assert watch.current() == "reg:g1:3" and stamps.reads == 1
    clock.advance(0.5)
    assert watch.current() == "reg:g2:3" and stamps.reads == 2


def test_changed_since_compares_with_what_the_caller_holds():
    """A Store compares with what its (shared) instance holds, not with its own last look."""
    clock, stamps = FakeClock(), Stamps("reg:g2:4")
    watch = watcher(stamps, clock)
    assert watch.changed(since="reg:g2:4") is False, "what is there is what the caller holds"
    clock.advance(1.0)
    assert watch.changed(since="reg:g1:3") is True, "the caller holds an older state"
    clock.advance(0.5)
    assert watch.changed(since="reg:g0:0") is False and stamps.reads == 2, "not within the period"
    clock.advance(0.5)
    assert watch.changed(since=None) is True, "nothing known is a change"


def test_expire_makes_the_next_question_look_and_keeps_what_was_seen():
    clock, stamps = FakeClock(), Stamps("reg:g1:3")
    watch = watcher(stamps, clock)
    watch.look()
    watch.expire()
    assert watch.changed() is False and stamps.reads == 2, "looked at once, compared with before"
    stamps.value = "reg:g2:3"
    watch.expire()
    assert watch.changed() is True and stamps.reads == 3


def test_the_period_runs_from_the_end_of_a_slow_look():
    clock = FakeClock()

    def slow() -> str:
        clock.advance(3.0)  # a busy server
        return "reg:g1:3"

    watch = ChangeWatcher(slow, period=1.0, clock=clock)
    watch.look()
    clock.advance(0.9)
    assert watch.current() == "reg:g1:3" and clock.now == 1003.9, "no second look at once"


def test_a_zero_period_looks_every_time_and_a_negative_one_is_refused():
    clock, stamps = FakeClock(), Stamps("reg:g1:3")
    watch = watcher(stamps, clock, period=0.0)
    for _ in range(3):
        watch.current()
    assert stamps.reads == 3
    with pytest.raises(ValueError, match="negative"):
        ChangeWatcher(stamps, period=-1.0, clock=clock)


def test_nothing_is_seen_before_the_first_look():
    watch = watcher(Stamps("reg:g1:3"), FakeClock())
    assert watch.seen is None
