"""The real server under slow clients: they hold connections, never the threads.

A slowloris opens many connections and sends a request a byte or a header line at a
time; other clients ask for large answers and read them a few bytes at a time. Meanwhile
a page and a SPARQL query must keep answering. Also: a body over the limit gets ``413``
and the connection is closed, as the answer says.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from lodplan.web.app import MAX_REQUEST_BYTES
from tests.support.server import free_port, running_server

pytestmark = pytest.mark.e2e

SLOW_SENDERS = 120
SLOW_READERS = 12
SLOW_FOR_S = 8
#: "Does not hang": far above a normal answer, far below the slowloris's duration.
PROMPT_S = 5
CHEAP_QUERY = "SELECT ?plan WHERE { ?plan a lodplan:Plan } LIMIT 3"
#: What the slow readers ask for: one SPARQL result (all of them come from one address,
#: whose queries take turns), then the whole dump and a page.
LARGE_ANSWERS = ["/sparql?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D&format=csv"] + [
    "/download/lodplan.nq.gz",
    "/plan/mot-programme-2023?format=ttl",
] * (SLOW_READERS // 2)


@pytest.fixture(scope="module")
def server(bundled_build) -> Iterator[tuple[str, int]]:
    port = free_port()
    with running_server(bundled_build.store, port) as base:
        yield base, port


def _connect(port: int, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket()
    if receive_buffer:  # before connecting: the window the server may fill
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(PROMPT_S)
    sock.connect(("127.0.0.1", port))
    return sock


class Slowloris:
    """Connections that each send a request a little at a time, every second."""

    def __init__(self, port: int) -> None:
        self.sockets: list[socket.socket] = []
        self.pending: list[bytes] = []
        for n in range(SLOW_SENDERS):
            sock = _connect(port)
            if n % 2:  # a request line a byte at a time
                remainder = b"GET /plan/mot-programme-2023 HTTP/1.1\r\nHost: x\r\n\r\n"
            else:  # a complete request line, then a header line at a time, forever
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                remainder = b"".join(b"X-Slow-%d: %d\r\n" % (i, i) for i in range(100))
            self.sockets.append(sock)
            self.pending.append(remainder)
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._drip, daemon=True)

    def _drip(self) -> None:
        try:
            while not self.stop.wait(1):
                for n, sock in enumerate(self.sockets):
                    # a byte of a request line, a whole line of headers
                    size = 1 if n % 2 else self.pending[n].index(b"\n") + 1
                    chunk, self.pending[n] = self.pending[n][:size], self.pending[n][size:]
                    sock.sendall(chunk)
        except BaseException as error:  # reported by the test
            self.errors.append(error)

    def __enter__(self) -> Slowloris:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


class SlowReaders:
    """Connections that ask for large answers and read a few bytes a second."""

    def __init__(self, port: int) -> None:
        self.sockets: list[socket.socket] = []
        for n in range(SLOW_READERS):
            sock = _connect(port, receive_buffer=4096)
            target = LARGE_ANSWERS[n]
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            sock.settimeout(0.1)  # a sip, not a wait
            self.sockets.append(sock)
        self.received = [b""] * SLOW_READERS
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sip, daemon=True)

    def _sip(self) -> None:
        while not self.stop.wait(1):
            for n, sock in enumerate(self.sockets):
                with contextlib.suppress(OSError):  # an answer still being made: next second
                    self.received[n] += sock.recv(16)

    def __enter__(self) -> SlowReaders:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_slow_clients_do_not_hang_the_site(server):
    base, port = server
    answered: list[tuple[str, int, float]] = []
    with Slowloris(port) as slowloris, SlowReaders(port) as readers:
        deadline = time.monotonic() + SLOW_FOR_S
        while time.monotonic() < deadline:
            for what, request in (
                ("page", lambda: requests.get(base, timeout=PROMPT_S)),
                ("plan", lambda: requests.get(base + "plan/mot-programme-2023", timeout=PROMPT_S)),
                (
                    "sparql",
                    lambda: requests.get(
                        base + "sparql",
                        params={"query": CHEAP_QUERY},
                        headers={"Accept": "text/csv"},
                        timeout=PROMPT_S,
                    ),
                ),
            ):
                started = time.monotonic()
                response = request()  # a timeout here is the failure this test is about
                answered.append((what, response.status_code, time.monotonic() - started))
            time.sleep(0.2)
        assert not slowloris.errors, slowloris.errors
        # the slow readers did get their answers started (status line first)
        assert all(got.startswith(b"HTTP/1.1 200") for got in readers.received), [
            got[:40] for got in readers.received
        ]
    assert {what for what, status, _ in answered} == {"page", "plan", "sparql"}
    assert all(status == 200 for _, status, _ in answered), answered
    assert max(seconds for *_, seconds in answered) < PROMPT_S


def _response_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return head


def test_a_body_over_the_limit_is_413_and_the_connection_closes_as_announced(server):
    _, port = server
    with _connect(port) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n" % (MAX_REQUEST_BYTES + 1)
        )
        head = _response_head(sock)
        assert head.startswith(b"HTTP/1.1 413 "), head
        assert b"\r\nConnection: close\r\n" in head, head
        # as announced: the server closes; it never half-reads the body as a next request
        sock.settimeout(PROMPT_S)
        rest = b""
        try:
            while chunk := sock.recv(4096):
                rest += chunk
        except ConnectionResetError:
            pass
        assert b"HTTP/1.1" not in rest


def test_a_chunked_body_over_the_limit_is_413_and_closes(server):
    _, port = server
    with _connect(port) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/sparql-query\r\n\r\n"
        )
        chunk = b"#" * 65536
        try:
            for _ in range(MAX_REQUEST_BYTES // len(chunk) + 2):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while sending: the answer is waiting
        head = _response_head(sock)
        assert head.startswith(b"HTTP/1.1 413 "), head
        assert b"\r\nConnection: close\r\n" in head, head


def test_a_body_within_the_limit_keeps_the_connection(server):
    base, port = server
    query = b"query=" + b"ASK%7B%7D" + b"+" * (MAX_REQUEST_BYTES // 2)
    with _connect(port) as sock:
        for _ in range(2):  # the second request on the same connection is answered too
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: %s\r\nAccept: text/csv\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\n\r\n%s"
                % (urlsplit(base).netloc.encode(), len(query), query)
            )
            head = _response_head(sock)
            assert head.startswith(b"HTTP/1.1 200 "), head
            assert b"Connection: close" not in head
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            body = head.split(b"\r\n\r\n", 1)[1]
            while len(body) < length:
                body += sock.recv(length - len(body))
