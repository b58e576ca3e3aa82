"""Process set-up shared by every entry point (CLI, chat page, tests): nothing may download at
run time, and no library may phone home.

Environment variables are the only switch the Hugging Face stack and Chroma's telemetry read,
so they are set here, before those libraries are imported; values a user set win.
"""

from __future__ import annotations

import os

_OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_environment() -> None:
    """Pin the Hugging Face stack offline and Chroma's telemetry off for this process."""
    for name, value in _OFFLINE.items():
        os.environ.setdefault(name, value)
