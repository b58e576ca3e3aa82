"""Inspection knowledge assistant: cited, verbatim answers from inspection reports and
scrutiny papers."""

__version__ = "0.1.0"
