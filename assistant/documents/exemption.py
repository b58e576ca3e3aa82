"""Placeholder until the exempt-marking detector lands (issue 20)."""


def exempt_marking(pages: list[str]) -> str:
    return ""
