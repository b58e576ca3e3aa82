"""Shared fixtures: the real model, real Chroma stores on disk, the real sample corpus.

Network is forbidden for the whole session (a socket to anything but loopback fails the test),
so a test that would download a model or phone home cannot pass by accident. Only fixtures live
here; what tests import (paths, the command line, servers, ...) is in `helpers/`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from helpers.paths import CORPUS

from assistant.offline import offline_environment

offline_environment()


_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1", "")):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    socket.socket.connect = _guarded_connect
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from assistant.settings import Settings

    def make(name: str = "index", **overrides) -> Settings:
        return Settings.from_env({}, index_dir=tmp_path_factory.mktemp(name), **overrides)

    return make


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory):
    """An index of the whole sample corpus, built once per test session (about 2 minutes).

    Set ASSISTANT_TEST_INDEX to a folder to keep it between runs while developing: ingest is
    incremental, so unchanged files are not re-embedded. Delete that folder after changing
    parsing, cleaning, chunking or metadata code.
    """
    from assistant.engine import Assistant
    from assistant.settings import Settings

    keep = os.environ.get("ASSISTANT_TEST_INDEX")
    folder = Path(keep) if keep else tmp_path_factory.mktemp("corpus-index")
    settings = Settings.from_env({}, index_dir=folder)
    assistant = Assistant(settings)
    report = assistant.ingest([CORPUS])
    assert report.exit_code == 0, report.skipped
    return settings


@pytest.fixture(scope="session")
def corpus_assistant(corpus_index):
    from assistant.engine import Assistant

    return Assistant(corpus_index)


@pytest.fixture(scope="session")
def asks(tmp_path_factory):
    """The question reader on the real model, fitted once per session in its own cache."""
    from assistant.answering.asks import AskReader
    from assistant.settings import DEFAULT_MODEL
    from assistant.vectors.embedder import Embedder

    embedder = Embedder(DEFAULT_MODEL)
    return AskReader(
        embedder.embed,
        embedder.embed_query,
        model=DEFAULT_MODEL,
        cache=tmp_path_factory.mktemp("asks-cache"),
    )


@pytest.fixture
def small_settings(tmp_path):
    from assistant.settings import Settings

    return Settings.from_env({}, index_dir=tmp_path / "index")
