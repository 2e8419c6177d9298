"""Errors in vLLM-Omni's shape: HTTP status plus `{"detail": "..."}`. Never a traceback in a body."""

from __future__ import annotations


class ApiError(Exception):
    """An error a client can act on; `detail` is what goes into the response body."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def bad_request(detail: str) -> ApiError:
    return ApiError(400, detail)


def unprocessable(detail: str) -> ApiError:
    return ApiError(422, detail)
