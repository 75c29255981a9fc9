"""Errors the emulated API answers with, in Sage's body format."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An HTTP error answered as Sage does: a top-level JSON array of error items."""

    def __init__(
        self,
        status: int,
        data_code: str,
        message: str,
        source: str = "",
        *,
        items: list[tuple[str, str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {data_code}: {message}")
        self.status = status
        self.items = items if items is not None else [(data_code, message, source)]
        self.headers = headers or {}

    def body(self) -> list[dict[str, Any]]:
        return [
            {"$severity": "error", "$dataCode": code, "$message": message, "$source": source}
            for code, message, source in self.items
        ]


def not_found() -> ApiError:
    return ApiError(404, "RecordNotFound", "Record not found")


def invalid(source: str, message: str) -> ApiError:
    return ApiError(422, "RecordInvalid", message, source)


class Invalid:
    """Collects every violated rule of one request so the 422 names them all."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, source: str, message: str) -> None:
        self.items.append(("RecordInvalid", message, source))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            code, message, source = self.items[0]
            raise ApiError(422, code, message, source, items=list(self.items))
