"""What the OpenAPI schema says a route may answer besides success: every refusal the server
can give, each with the one JSON error body (`{"error": {"code", "message"}}`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(
        min_length=1,
        description="Stable, for scripts: e.g. not_found, invalid_request, forbidden, "
        "idempotency_key_reused, storage_unavailable.",
    )
    message: str = Field(min_length=1, description="One line, for people.")


class ErrorBody(BaseModel):
    error: ErrorDetail


DESCRIPTIONS = {
    401: "No valid bearer token.",
    403: "The caller's role may not do this (or not yet: a sealed interim tally).",
    404: "Something named in the request does not exist.",
    409: "The request conflicts with the current state (closed, changed at the same moment, "
    "an idempotency key still in doubt).",
    413: "The request body is too large.",
    422: "The request is malformed or breaks a rule (including an idempotency key reused for "
    "another request).",
    503: "The store is unavailable; nothing was written, the request may be retried.",
}


def error_responses(methods: set[str], path: str, has_parameters: bool) -> dict[int, Any]:
    """The refusals a route can give, from what it is: every route authenticates and reads
    the store; a parameter can be malformed; a path id can be unknown; a write can be refused
    by role, rule or state, and its body can be too large."""
    codes = {401, 503}
    if has_parameters:
        codes.add(422)
    if "{" in path:
        codes.add(404)
    if "POST" in methods:
        codes |= {403, 404, 409, 413, 422}
    return {code: {"model": ErrorBody, "description": DESCRIPTIONS[code]} for code in sorted(codes)}


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Extra refusals of one route, for its decorator's `responses=`."""
    return {code: {"model": ErrorBody, "description": DESCRIPTIONS[code]} for code in codes}
