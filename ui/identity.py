"""Who is reading the chat page: signed in through the identity provider configured the
Streamlit way (`[auth]` in `.streamlit/secrets.toml`, `st.login`/`st.user`), or not. The page
builds one `Reader` from this at the top of each run and passes it to every route, so what a
person may see is decided in one place (assistant.core.access), never per widget."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from assistant.core.access import AccessError, Reader, groups_in
from ui.render import md_literal

NO_PROVIDER = "Signed out: public papers only (no identity provider is configured)."
SIGNED_OUT = "Signed out: public papers only. Sign in to see the papers of your groups."


@dataclass(frozen=True)
class Identity:
    reader: Reader
    configured: bool  # secrets.toml has an [auth] section: signing in is possible
    signed_in: bool


def current(groups_claim: str) -> Identity:
    """The person on this session, from the ID token's claims Streamlit keeps in `st.user`."""
    user = st.user.to_dict()
    # Streamlit adds `is_logged_in` only when an [auth] section exists (or someone signed in),
    # so its absence means no provider is configured: everyone is the public.
    configured = "is_logged_in" in user
    if not user.get("is_logged_in"):
        return Identity(Reader.public(), configured, signed_in=False)
    who = str(user.get("email") or user.get("sub") or "")
    return Identity(Reader.of(groups_from(user.get(groups_claim)), who=who), True, True)


def groups_from(claim: object) -> list[str]:
    """The groups a claim lists: a JSON list, or a comma-separated string (some providers);
    missing means none. A name that cannot be a group (`Domain Users`) is dropped: no document
    can be labelled with it, so it could never open one, and the person keeps their others."""
    if isinstance(claim, str):
        names = claim.split(",")
    elif isinstance(claim, list | tuple):
        names = list(claim)
    else:  # missing (or a shape no provider sends): no groups
        names = []
    kept = []
    for name in names:
        try:
            kept += sorted(groups_in([str(name)]))
        except AccessError:
            continue
    return kept


def identity_panel(identity: Identity) -> None:
    """In the sidebar: who is signed in and what they may see, with the button to change it."""
    if not identity.configured:
        st.caption(NO_PROVIDER)
        return
    if not identity.signed_in:
        st.caption(SIGNED_OUT)
        st.button("Sign in", on_click=st.login, key="sign-in", icon=":material/login:")
        return
    reader = identity.reader
    # Captions read Markdown: an address is shown as written.
    st.caption(md_literal(f"Signed in as {reader.who}: {reader.describe()}."))
    st.button("Sign out", on_click=st.logout, key="sign-out", icon=":material/logout:")
