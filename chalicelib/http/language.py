"""The language of an answer, from the request's Accept-Language."""

from __future__ import annotations

from chalicelib.core.messages import Language


def language_of(accept_language: str | None) -> Language:
    """English only when the client asks for it first; Indonesian otherwise."""
    if not accept_language:
        return "id"
    first = accept_language.split(",")[0].split(";")[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "id"
