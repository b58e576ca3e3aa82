"""A clock the tests move on by hand: watchers look again when it says their period has passed,
so no test sleeps to get past a throttle."""

from __future__ import annotations


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
