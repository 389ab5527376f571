"""The parts of uvicorn that ``web/front.py`` relies on beyond its documented API.

``livefeed serve`` hands uvicorn a protocol class of its own (``StreamFront``) that answers
event streams on the socket and passes every other connection to uvicorn's HTTP protocol. That
leans on five things uvicorn does not promise, so pyproject.toml bounds uvicorn below its next
release and these tests say which they are. If an upgrade breaks one, it fails here by name:
1. ``Config(http=cls)`` takes a protocol class as it is;
2. uvicorn makes one protocol per connection as ``cls(config=, server_state=, app_state=,
   _loop=)``;
3. ``ServerState.connections`` is the set a protocol joins, and on shutdown uvicorn calls
   ``shutdown()`` on each member;
4. ``uvicorn.protocols.http.auto.AutoHTTPProtocol`` is built from the same three keywords;
5. a connection can be handed to it after the fact: ``connection_made(transport)``, then the
   bytes already read through ``data_received``.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.auto import AutoHTTPProtocol
from uvicorn.server import Server, ServerState

from tests.ports import free_port


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"handed over"})


class Recorder(asyncio.Protocol):
    """Records how uvicorn builds it, then hands the connection to uvicorn's own protocol."""

    made: ClassVar[list[dict[str, Any]]] = []
    shut_down: ClassVar[list[bool]] = []

    def __init__(self, **kwargs: Any) -> None:
        Recorder.made.append(kwargs)
        self.state: ServerState = kwargs["server_state"]
        self.kwargs = kwargs
        self.inner: asyncio.Protocol | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.state.connections.add(self)  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        if self.inner is None:
            self.state.connections.discard(self)  # type: ignore[arg-type]
            self.inner = AutoHTTPProtocol(  # type: ignore[call-arg]
                config=self.kwargs["config"],
                server_state=self.state,
                app_state=self.kwargs["app_state"],
            )
            self.inner.connection_made(self.transport)
        self.inner.data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.inner is not None:
            self.inner.connection_lost(exc)
        self.state.connections.discard(self)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        Recorder.shut_down.append(True)
        self.transport.close()


def test_the_protocol_class_is_taken_as_it_is() -> None:
    config = Config(hello, http=Recorder)
    config.load()
    assert config.http_protocol_class is Recorder


def test_uvicorns_own_protocol_takes_the_three_keywords() -> None:
    parameters = inspect.signature(AutoHTTPProtocol).parameters
    assert {"config", "server_state", "app_state"} <= set(parameters)


def test_a_connection_is_built_joined_handed_over_and_shut_down() -> None:
    Recorder.made.clear()
    Recorder.shut_down.clear()
    port = free_port()
    config = Config(hello, host="127.0.0.1", port=port, http=Recorder, log_level="warning")
    server = Server(config)

    async def scenario() -> tuple[bytes, int]:
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = await reader.readuntil(b"handed over")
        # A second connection stays with the recorder, so shutdown must reach it.
        _, idle = await asyncio.open_connection("127.0.0.1", port)
        while len(server.server_state.connections) < 2:
            await asyncio.sleep(0.01)
        waiting = len(server.server_state.connections)
        server.should_exit = True
        await asyncio.wait_for(serving, 10)
        writer.close()
        idle.close()
        return answer, waiting

    answer, waiting = asyncio.run(scenario())
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b"handed over")
    assert waiting == 2
    assert set(Recorder.made[0]) == {"config", "server_state", "app_state", "_loop"}
    assert isinstance(Recorder.made[0]["server_state"], ServerState)
    assert Recorder.shut_down == [True]
