"""gunicorn's threaded worker, bounded against slow clients, answering its own errors as the API does.

gunicorn's gthread worker frees a thread from a connection that has sent nothing for 5 s; but once a
client has sent a first byte, a thread read its headers and body with no time limit. A client that
sent a header line every 2 s held a thread as long as it liked, and eight such clients held the whole
embedded server (one process of eight threads). gunicorn 27 has no header or body time-out, so:

- a thread takes a request only once its head (request line and headers) has arrived whole: until
  then the connection waits on gunicorn's poller, holding no thread, and a head not whole within
  HEAD_SECONDS of the request's start is closed;
- the body then has READ_SECONDS to arrive (DeadlineSocket): after that it reads as ended, the app
  answers 400 for a body cut short, and the thread is free;
- gunicorn's own refusals of a request it cannot parse (414 for a long request line, 431 for too many
  or too large headers, 400 for the rest) are JSON in the API's error shape, not HTML.

Responses are written as gunicorn writes them. In production a buffering proxy (nginx or the
platform's router: docs/operations.md) sends each request whole, so these bounds never bite there.
"""

from __future__ import annotations

import json
import socket
import time

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine, ParseException
from gunicorn.workers.gthread import _DEFER, ThreadWorker

HEAD_SECONDS = 5.0  # for the request line and headers, from the request's first chance to send them
READ_SECONDS = 15.0  # for the body, once the head is whole: a 10 MiB attachment at 10 Mbit/s takes 8 s
HEAD_PEEK_BYTES = 64 * 1024  # a head larger than this is left to gunicorn's own limits to refuse

WAIT, READY, TOO_SLOW = "wait", "ready", "too slow"


class DeadlineSocket:
    """A socket whose reads end at a deadline: each recv() waits at most the time that is left, and
    after the deadline reads as the end of the stream. Everything else is the socket's own."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self.deadline = float("inf")

    def recv(self, size: int, *args) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return b""
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv(size, *args)
        except TimeoutError:
            return b""
        finally:
            self._sock.settimeout(None)  # blocking again, as gunicorn writes the response

    def __getattr__(self, name):
        return getattr(self._sock, name)


class BoundedThreadWorker(ThreadWorker):
    """gthread, with a thread for a request only once its head is whole, and a deadline on its body."""

    def handle(self, conn):
        if self.cfg.is_ssl or getattr(conn, "is_http2", False):  # TLS ends at the proxy
            return super().handle(conn)
        state = self._head_state(conn)
        if state == WAIT:
            return _DEFER  # back to the poller, which wakes us when more arrives
        if state == TOO_SLOW:
            self.log.info("closed a connection whose request headers took over %s s", HEAD_SECONDS)
            conn.close()
            conn.closed_in_thread = True
            return False
        conn.head_started = None
        if not isinstance(conn.sock, DeadlineSocket):
            conn.sock = DeadlineSocket(conn.sock)
        conn.sock.deadline = time.monotonic() + READ_SECONDS
        result = super().handle(conn)
        if result is not _DEFER and not result:
            # gunicorn closes a finished connection on its main loop, lingering up to 2 s for a client
            # still sending: a client that never stops would stall every connection. Here, in this
            # request's thread, the linger holds only this thread.
            conn.close(graceful=True)
            conn.closed_in_thread = True
        return result

    def finish_request(self, conn, fs):
        if getattr(conn, "closed_in_thread", False):
            self.nr_conns -= 1
            return
        super().finish_request(conn, fs)

    def _head_state(self, conn) -> str:
        parser = getattr(conn, "parser", None)
        if parser is not None and parser.unreader.buf.getvalue():
            return READY  # the next request's bytes are already read: gunicorn goes on with them
        raw = conn.sock._sock if isinstance(conn.sock, DeadlineSocket) else conn.sock
        try:
            head = raw.recv(HEAD_PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            head = None
        except OSError:
            return READY  # gunicorn meets the same error and handles it
        if head == b"" or (head and (b"\r\n\r\n" in head or b"\n\n" in head or len(head) >= HEAD_PEEK_BYTES)):
            return READY  # closed by the client, whole, or too large: gunicorn answers
        if getattr(conn, "head_started", None) is None:
            conn.head_started = time.monotonic()
        return TOO_SLOW if time.monotonic() - conn.head_started > HEAD_SECONDS else WAIT

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, ParseException):
            return super().handle_error(req, client, addr, exc)
        status, reason, message = self._refusal(exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body = json.dumps({"errors": [{"field": None, "message": message}], "status": status}).encode()
        head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
                "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
                "Cache-Control: no-store\r\n\r\n")
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:  # the client may be gone; there is nothing more to tell it
            self.log.debug("Failed to send error message.")
        return None

    def _refusal(self, exc: ParseException) -> tuple[int, str, str]:
        if isinstance(exc, LimitRequestLine):
            return 414, "URI Too Long", (f"The address is too long: the request line may be at most "
                                         f"{self.cfg.limit_request_line:,} bytes.")
        if isinstance(exc, LimitRequestHeaders):
            return 431, "Request Header Fields Too Large", (
                f"The request's headers are too large: at most {self.cfg.limit_request_fields} headers "
                f"of at most {self.cfg.limit_request_field_size:,} bytes each.")
        return 400, "Bad Request", "The request is not well-formed HTTP."
