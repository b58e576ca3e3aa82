"""A real OpenID Connect provider on a loopback port (oidc-provider-mock, built on Authlib):
people are registered with their claims, and sign in through its own authorization form, where
they type their subject. Any client id and secret are accepted."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from oidc_provider_mock import run_server_in_thread

# Authlib refuses plain http unless told otherwise, in the provider and in Streamlit's client.
INSECURE = {"AUTHLIB_INSECURE_TRANSPORT": "1"}


@dataclass(frozen=True)
class Provider:
    url: str  # http://localhost:PORT

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def add_user(self, sub: str, **claims) -> None:
        """Register `sub` with its ID-token claims (`email=..., groups=[...]`)."""
        request = urllib.request.Request(
            f"{self.url}/users/{sub}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 204), response.status

    def secrets_toml(self, folder: Path, *, app_url: str) -> Path:
        """A secrets.toml naming this provider for a Streamlit app served at `app_url`."""
        path = folder / "secrets.toml"
        path.write_text(
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            f'cookie_secret = "{os.urandom(24).hex()}"\n'
            'client_id = "inspection-assistant"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{self.metadata_url}"\n',
            encoding="utf-8",
        )
        return path


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider in a thread of this process, stopped afterwards."""
    saved = {k: os.environ.get(k) for k in INSECURE}
    os.environ.update(INSECURE)
    try:
        with run_server_in_thread() as server:
            yield Provider(f"http://localhost:{server.server_port}")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def sign_in(page, sub: str, *, timeout_ms: int) -> None:
    """Press the chat page's "Sign in" and type `sub` into the provider's form, as a person
    does; return once the page says who is signed in."""
    page.get_by_role("button", name="Sign in").click()
    form = page.locator("input[name=sub]")
    form.wait_for(timeout=timeout_ms)
    form.fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("Signed in as", exact=False).first.wait_for(timeout=timeout_ms)
