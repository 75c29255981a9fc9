"""Writing answers to the socket in one piece: uvicorn's HTTP/1.1 protocol with coalesced writes.

uvicorn writes an answer's status line and headers as soon as the app starts it, and then its body: two
``send`` calls, so two TCP segments and two wake-ups of the client for a short JSON answer, which on a busy
machine costs more than the rest of the exchange.  :class:`CoalescingH11Protocol` is uvicorn's own h11
protocol with one change: what it writes during one step of the event loop goes out in a single ``send``
at the end of that step (an answer's headers and body are written in the same step).  Nothing waits for
more data: the pieces are joined, not held back.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["CoalescingH11Protocol", "CoalescingTransport"]


class CoalescingTransport(asyncio.Transport):
    """``transport`` with the writes of one event-loop step joined into one write at the step's end."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def flush(self) -> None:
        """Write what is pending now."""
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            self._transport.write(data)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(p) for p in self._pending)

    def get_write_buffer_limits(self) -> tuple[int, int]:
        limits: tuple[int, int] = self._transport.get_write_buffer_limits()
        return limits


class CoalescingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol writing through a :class:`CoalescingTransport` (pass as ``http=``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, asyncio.get_running_loop()))
