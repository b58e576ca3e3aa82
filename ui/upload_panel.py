"""The sidebar's "Add documents" panel: uploads saved under the index and ingested with a
progress bar, and the documents added here listed, each with a button that removes it (the
same code path as `assistant remove`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.core.record import DocumentRecord
from assistant.documents.readers import SUPPORTED
from assistant.engine import Assistant
from assistant.index.chroma import IndexUnavailable
from assistant.index.locks import IngestBusy
from ui import render
from ui.uploads import (
    UPLOAD_SUBDIR,
    remove_upload,
    run_with_progress,
    safe_name,
    save_upload,
    upload_root,
)


def upload_panel(assistant: Assistant, records: list[DocumentRecord], index_dir: Path) -> None:
    with st.expander("Add documents", expanded=False):
        generation = st.session_state.setdefault("upload-generation", 0)
        files = st.file_uploader(
            "PDF, Word, HTML, Markdown or text files",
            accept_multiple_files=True,
            type=sorted(s.lstrip(".") for s in SUPPORTED),
            key=f"uploader-{generation}",
        )
        if files and st.button("Add to the index", key="upload-go", type="primary"):
            st.session_state["upload-messages"] = ingest_uploads(assistant, index_dir, files)
            st.session_state["upload-generation"] = generation + 1  # empties the uploader
            st.rerun()
        for kind, text in st.session_state.get("upload-messages", []):
            # st.success/st.error read Markdown: names and reasons are shown literally.
            (st.success if kind == "ok" else st.error)(render.md_literal(text))
        uploaded_documents(assistant, records, index_dir)


def uploaded_documents(
    assistant: Assistant, records: list[DocumentRecord], index_dir: Path
) -> None:
    """Documents added here, each with a button that takes it out of the index again."""
    uploaded = [r for r in records if r.source.startswith(f"{UPLOAD_SUBDIR}/")]
    if not uploaded:
        return
    st.caption("Added from this page")
    for record in uploaded:
        name = record.source.removeprefix(f"{UPLOAD_SUBDIR}/")
        st.button(
            f"Remove {render.md_literal(name)}",  # labels read Markdown: names stay literal
            key=f"remove-{record.source}",
            icon=":material/delete:",
            type="tertiary",
            on_click=_remove_upload,
            args=(assistant, index_dir, record.source),
            help="Takes the document out of the index and deletes the uploaded copy.",
        )


def _remove_upload(assistant: Assistant, index_dir: Path, source: str) -> None:
    root = upload_root(index_dir)
    try:
        removed = remove_upload(source, remove=assistant.remove, root=root)
    except (IngestBusy, IndexUnavailable) as exc:
        st.session_state["upload-messages"] = [("error", f"Not removed: {exc}")]
        return
    name = source.removeprefix(f"{UPLOAD_SUBDIR}/")
    message = ("ok", f"Removed {name}") if removed else ("error", f"{name}: not in the index")
    st.session_state["upload-messages"] = [message]


def ingest_uploads(assistant: Assistant, index_dir: Path, files) -> list[tuple[str, str]]:
    """Save, then ingest with a progress bar; each unreadable file gets its own message."""
    root = upload_root(index_dir)
    saved = [save_upload(f.name, f.getvalue(), folder=root / UPLOAD_SUBDIR) for f in files]
    messages = [("error", f"{safe_name(s.original)}: {s.error}") for s in saved if s.error]
    wanted = {f"{UPLOAD_SUBDIR}/{s.path.name}" for s in saved if s.path}
    if not wanted:
        return messages
    total = max(1, sum(1 for p in (root / UPLOAD_SUBDIR).iterdir() if p.is_file()))
    bar = st.progress(0.0, text="Indexing\u2026")
    done = [0]

    def progress(name: str) -> None:
        done[0] += 1
        bar.progress(min(1.0, done[0] / total), text=f"Indexed {name}")

    try:
        report = run_with_progress(
            lambda callback: assistant.ingest([root], progress=callback), progress
        )
    except (IngestBusy, IndexUnavailable) as exc:
        return [*messages, ("error", f"Not added: {exc}")]
    bar.empty()
    failed = {s.path: s.reason for s in report.skipped if s.path in wanted}
    for source, reason in failed.items():
        messages.append(("error", f"{source.removeprefix(UPLOAD_SUBDIR + '/')}: {reason}"))
        (root / source).unlink(missing_ok=True)  # an unreadable upload is not kept
    added = [s.removeprefix(f"{UPLOAD_SUBDIR}/") for s in sorted(wanted) if s not in failed]
    if added:
        messages.insert(0, ("ok", f"Added {len(added)}: " + ", ".join(added)))
    return messages
