"""The summary's model client: sends the prompt to an OpenAI-compatible endpoint through
llama-index's `OpenAILike`, within a timeout and with no retry.

The only importer of `llama_index.llms` and `openai`, both imported when a summary is written:
`assistant ask` without ASSISTANT_LLM_URL never pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from assistant.settings import Settings

MAX_SUMMARY_TOKENS = 220  # four short sentences with markers, and room to finish the last


class SummaryUnavailable(Exception):
    """The model could not be reached, failed, or did not answer in time; the message is the
    one line shown to the reader."""


@dataclass(frozen=True)
class Reply:
    """What the model wrote, and the name it answered under."""

    text: str
    model: str


def api_base(url: str) -> str:
    """The OpenAI client's base URL: as given, or with /v1 when the URL has no path."""
    return url if urlparse(url).path.strip("/") else url.rstrip("/") + "/v1"


def write(prompt: str, *, settings: Settings) -> Reply:
    """The model's reply to `prompt`, within `settings.llm_timeout` seconds and with no retry;
    SummaryUnavailable, with one line saying why, when it cannot be had."""
    import openai
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(
        model=settings.llm_model or "default",
        api_base=api_base(settings.llm_url),
        api_key=settings.llm_key or "unused",
        is_chat_model=True,
        temperature=0.0,
        max_tokens=MAX_SUMMARY_TOKENS,
        timeout=settings.llm_timeout,
        max_retries=0,  # a retry would double the wait the timeout promises
        reuse_client=False,
    )
    where = f"the summary model at {settings.llm_url}"
    try:
        response = llm.complete(prompt)
    except openai.APITimeoutError:
        raise SummaryUnavailable(
            f"No summary: {where} did not answer within {settings.llm_timeout:g} s"
        ) from None
    except openai.APIConnectionError:
        raise SummaryUnavailable(f"No summary: {where} cannot be reached") from None
    except openai.APIStatusError as exc:
        raise SummaryUnavailable(f"No summary: {where} answered {exc.status_code}") from None
    except Exception as exc:  # a reply neither client can read: the verbatim answer still stands
        raise SummaryUnavailable(
            f"No summary: {where} sent a reply that cannot be read ({type(exc).__name__})"
        ) from None
    raw = response.raw
    named = raw.get("model") if isinstance(raw, dict) else getattr(raw, "model", None)
    model = settings.llm_model or named or "the model"
    return Reply(response.text or "", model)
