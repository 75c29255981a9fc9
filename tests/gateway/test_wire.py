"""Answers leave in one piece: what the HTTP protocol writes in one step of the event loop reaches the socket
as one write (an answer's headers and body in one TCP send), in order; closing sends what is pending first,
aborting drops it.  End to end, every MCP test serves the gateway through this protocol."""

from __future__ import annotations

import asyncio
import socket

import pytest

from sage_accounting.gateway._wire import CoalescingTransport

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class _Received(asyncio.Protocol):
    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.closed = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set_result(None)


async def _pair() -> tuple[asyncio.Transport, _Received, list[int]]:
    """A real socket pair on the running loop: our end's transport (its sends counted), the peer's protocol."""
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    transport, _protocol = await loop.create_connection(asyncio.Protocol, sock=ours)
    received = _Received()
    await loop.create_connection(lambda: received, sock=theirs)
    sends: list[int] = []
    write = transport.write

    def counted(data: bytes | bytearray | memoryview) -> None:
        sends.append(len(data))
        write(data)

    transport.write = counted  # type: ignore[method-assign]
    return transport, received, sends


async def test_writes_of_one_step_go_out_as_one_send_in_order() -> None:
    transport, received, sends = await _pair()
    wire = CoalescingTransport(transport, asyncio.get_running_loop())
    wire.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    wire.write(b"{}")
    assert sends == []  # nothing yet: the step has not ended
    await asyncio.sleep(0)
    wire.write(b"next")
    await asyncio.sleep(0)
    assert sends == [40, 4]
    wire.close()
    await received.closed
    assert b"".join(received.chunks) == b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}next"


async def test_close_sends_what_is_pending_and_abort_drops_it() -> None:
    transport, received, sends = await _pair()
    wire = CoalescingTransport(transport, asyncio.get_running_loop())
    wire.write(b"last words")
    wire.close()
    await received.closed
    assert sends == [10] and b"".join(received.chunks) == b"last words"

    transport, received, sends = await _pair()
    wire = CoalescingTransport(transport, asyncio.get_running_loop())
    wire.write(b"never")
    wire.abort()
    await received.closed
    await asyncio.sleep(0)
    assert sends == [] and received.chunks == []
