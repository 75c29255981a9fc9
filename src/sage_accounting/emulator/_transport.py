"""Ways to reach the emulator: httpx transports in process, and a uvicorn server on a loopback socket."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator, MutableMapping
from typing import Any, TypeVar

import httpx

from ._answers import ConnectionDropped

ASGIApp = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]

T = TypeVar("T")


class AsyncEmulatorTransport(httpx.AsyncBaseTransport):
    """An httpx transport that calls the emulator's ASGI app directly, in process.

    Leaner than ``httpx.ASGITransport`` (which also works: ``emu.app`` is a plain ASGI app): the whole answer is
    buffered, and a scripted dropped connection surfaces as ``httpx.RemoteProtocolError``, as over a socket.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        url = request.url
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": ("127.0.0.1", 123),
            "root_path": "",
        }
        sent = False
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        read_timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            if read_timeout is None:
                await self._app(scope, receive, send)
            else:
                # The app keeps running after the client gives up, as a server would: a write that was
                # under way still commits.
                work = asyncio.ensure_future(self._app(scope, receive, send))
                await asyncio.wait_for(asyncio.shield(work), read_timeout)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
        except TimeoutError:
            # As over a socket: the client stops waiting (the emulator may still finish the work).
            raise httpx.ReadTimeout(f"no answer within {read_timeout} s", request=request) from None
        return httpx.Response(status, headers=headers, content=b"".join(chunks), request=request)


class _LoopThread:
    """One daemon thread running an event loop, shared by the sync transports of a process."""

    _instance: _LoopThread | None = None
    _guard = threading.Lock()

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        thread = threading.Thread(target=self.loop.run_forever, name="sage-emulator-loop", daemon=True)
        thread.start()

    @classmethod
    def get(cls) -> _LoopThread:
        with cls._guard:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()


class EmulatorTransport(httpx.BaseTransport):
    """A sync httpx transport into the emulator's ASGI app, in process (the app runs on a loop thread)."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = AsyncEmulatorTransport(app)
        self._loop = _LoopThread.get()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        inner_request = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=content,
            extensions=request.extensions,
        )

        async def call() -> tuple[int, httpx.Headers, bytes]:
            response = await self._inner.handle_async_request(inner_request)
            body = await response.aread()
            return response.status_code, response.headers, body

        status, headers, body = self._loop.run(call())
        return httpx.Response(status, headers=headers, content=body, request=request)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` whose connections send small answers at once (TCP_NODELAY).

    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; a socket made with the default
    protocol 0 would leave every keep-alive answer waiting for the client's delayed ACK (~40 ms). Linux also
    passes the listening socket's TCP_NODELAY on to the connections it accepts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


@contextlib.contextmanager
def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``app`` under uvicorn in a daemon thread on ``host:port`` (0: a free port); yield its base URL."""
    import uvicorn

    sock = listening_socket(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", lifespan="off", access_log=False, backlog=2048)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sage-emulator-server", daemon=True
    )
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the emulator server failed to start")
        threading.Event().wait(0.01)
    try:
        display_host = f"[{host}]" if ":" in host else host
        yield f"http://{display_host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
