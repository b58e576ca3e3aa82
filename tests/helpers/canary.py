"""The canary: a restricted copy of a real paper holding one sentence found nowhere else, in a
corpus of real public reports. A reader outside its group must never see the sentence, the
copy's title or its file name, by any route; a reader in the group gets it cited.

The copy is a real sample PDF (Norfolk's 2021 focused visit) with one page added by PDFium
holding the canary sentence, so every route that reads a PDF (text, page images, downloads)
meets it as it would a council's own exempt paper. It is the only Norfolk paper in the corpus:
a question about Norfolk must find nothing for the public, not "something you may not see".
"""

from __future__ import annotations

import ctypes
import json
import shutil
from pathlib import Path

from helpers.paths import CORPUS

GROUP = "cabinet"
OTHER_GROUP = "officers"
SENTENCE = (
    "The Wexcombe placement review found seventeen unregistered placements "
    "in the Harrowgate cluster."
)
TITLE = "Cabinet briefing on the Wexcombe placement review"
FILE = "cabinet-briefing-wexcombe-review.pdf"
BASE = "ofsted-fv-norfolk-2021.pdf"
COUNCIL = "Norfolk"
# The words that give the canary away, each found in no public sample document.
TELLS = (SENTENCE, TITLE, FILE, "Wexcombe", "Harrowgate", "cabinet-briefing")
PUBLIC = (
    "ofsted-ilacs-liverpool-2023.pdf",
    "ofsted-fv-kent-2024.pdf",
    "ofsted-fv-birmingham-2024.pdf",
)
# The direct question and rewordings of it: each must find the canary for a reader in the group.
QUESTIONS = (
    "What did the Wexcombe placement review find?",
    "How many unregistered placements were there in the Harrowgate cluster?",
    "Tell me about unregistered placements in Harrowgate.",
)


def build(dest: Path) -> Path:
    """A corpus folder: the public reports, and the restricted copy in `restricted/` with a
    sidecar giving its title and its group."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PUBLIC:
        shutil.copy(CORPUS / name, dest / name)
    restricted = dest / "restricted"
    restricted.mkdir(exist_ok=True)
    add_page(CORPUS / BASE, restricted / FILE, SENTENCE)
    sidecar = restricted / f"{FILE}.meta.json"
    sidecar.write_text(json.dumps({"title": TITLE, "access": GROUP}), encoding="utf-8")
    return dest


def add_page(source: Path, out: Path, sentence: str) -> None:
    """`source` with a page added after its first, holding `sentence` as real text."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(source)
    width, height = pdf[0].get_size()
    page = pdf.new_page(width, height, index=1)
    text = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 9.0)
    encoded = (sentence + "\0").encode("utf-16-le")
    buffer = ctypes.create_string_buffer(encoded, len(encoded))
    raw.FPDFText_SetText(text, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
    raw.FPDFPageObj_Transform(text, 1, 0, 0, 1, 50, height - 100)
    raw.FPDFPage_InsertObject(page.raw, text)
    raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(out)


def leaks(text: str, *, asked: str = "") -> list[str]:
    """The canary's tells found in `text` (case-insensitive); [] when none is. A word the
    question itself holds (`asked`) is not a leak when a decline repeats it ("No indexed
    document mentions Wexcombe"): the sentence, title and file name always are."""
    low, question = text.lower(), asked.lower()
    return [t for t in TELLS if t.lower() in low and t.lower() not in question]
