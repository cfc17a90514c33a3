"""gunicorn's threaded worker, bounded against slow clients, answering its own errors as the API does.

gunicorn's gthread worker frees a thread from a connection that has sent nothing for 5 s; but once a
client has sent a first byte, a thread read its headers and body with no time limit. A client that
sent a header line every 2 s held a thread as long as it liked, and eight such clients held the whole
embedded server (one process of eight threads). A client that sent its headers whole and then its
body a byte every 2 s did the same for READ_SECONDS at a time, again and again. gunicorn 27 has no
header or body time-out, so this worker reads each request as a buffering proxy would:

- a thread takes a request only once it has arrived whole, its head (request line and headers) and
  its body (by Content-Length, or to its last chunk). Until then the connection waits on gunicorn's
  poller, holding no thread, and each time more arrives a thread reads what is there without
  waiting and gives the connection back. A head not whole within HEAD_SECONDS of the request's
  start is closed; a body not whole within READ_SECONDS of its head goes to the app as it is, which
  answers 400 for a body cut short;
- a body larger than BODY_BUFFER_BYTES, or one that would take the process's buffers past
  BUFFER_BUDGET_BYTES, is not buffered: a thread reads it from the socket, and READ_SECONDS after its
  head the body reads as ended (DeadlineSocket);
- gunicorn's own refusals of a request it cannot parse (414 for a long request line, 431 for too many
  or too large headers, 400 for the rest) are JSON in the API's error shape, not HTML.

Responses are written as gunicorn writes them. In production a buffering proxy (nginx or the
platform's router: docs/operations.md) sends each request whole, so these bounds never bite there.
"""

from __future__ import annotations

import json
import re
import socket
import time

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine, ParseException
from gunicorn.workers.gthread import _DEFER, ThreadWorker

HEAD_SECONDS = 5.0  # for the request line and headers, from the request's first chance to send them
READ_SECONDS = 15.0  # for the body, once the head is whole: a 10 MiB attachment at 10 Mbit/s takes 8 s
HEAD_PEEK_BYTES = 64 * 1024  # a head larger than this is left to gunicorn's own limits to refuse
# A body up to this size (an attachment of IFR_ATTACHMENT_MAX_BYTES, 10 MiB, and its form) is read whole
# before a thread takes its request; all the requests one process is reading hold at most the budget.
BODY_BUFFER_BYTES = 11 * 1024 * 1024
BUFFER_BUDGET_BYTES = 64 * 1024 * 1024
RECV_BYTES = 256 * 1024

WAIT, READY, TOO_SLOW = "wait", "ready", "too slow"
HEAD_END = re.compile(rb"\r?\n\r?\n")


class DeadlineSocket:
    """A socket whose reads first give what was read ahead (`prefetched`), then end at a deadline:
    each recv() waits at most the time that is left, and after the deadline reads as the end of the
    stream. Everything else is the socket's own."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self.deadline = float("inf")
        self.prefetched = bytearray()

    def recv(self, size: int, *args) -> bytes:
        if self.prefetched:
            data = bytes(self.prefetched[:size])
            del self.prefetched[:size]
            return data
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


class Arrival:
    """What has arrived of one request on a connection, read without waiting."""

    def __init__(self):
        self.data = bytearray()
        self.started = time.monotonic()
        self.head_done: float | None = None
        self.ended = False  # the client closed its side, or the socket failed
        self.budgeted = False  # its body fitted in the process's buffers when it started

    def read_available(self, sock: socket.socket, limit: int) -> None:
        while len(self.data) < limit:
            try:
                chunk = sock.recv(min(RECV_BYTES, limit - len(self.data)), socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                self.ended = True
                return
            if not chunk:
                self.ended = True
                return
            self.data += chunk


def body_needed(data: bytes) -> tuple[int, int | None] | None:
    """Where the head ends and how many bytes the whole request has (None for a chunked body, whose
    end `chunked_complete` finds); None if the head has not ended yet."""
    end = HEAD_END.search(data, 0, HEAD_PEEK_BYTES)
    if end is None:
        return None
    length, chunked = 0, False
    for line in bytes(data[:end.start()]).split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return end.end(), None if chunked else end.end() + length


def chunked_complete(data: bytes, start: int) -> bool | None:
    """Whether a chunked body from `start` has arrived to its last chunk and trailers; None if its
    framing is not one this reads (gunicorn will judge it)."""
    position = start
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return False
        size_text = bytes(data[position:line_end]).split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return None
        if size == 0:  # the last chunk, then trailer lines, then an empty line
            return data.find(b"\r\n\r\n", line_end) >= 0
        position = line_end + 2 + size + 2
        if position > len(data):
            return False


class BoundedThreadWorker(ThreadWorker):
    """gthread, with a thread for a request only once it has arrived whole (or is too large to wait
    for), and a deadline on a body read by a thread."""

    def handle(self, conn):
        if self.cfg.is_ssl or getattr(conn, "is_http2", False):  # TLS ends at the proxy
            return super().handle(conn)
        state = self._arrival_state(conn)
        if state == WAIT:
            return _DEFER  # back to the poller, which wakes us when more arrives
        arrival = getattr(conn, "arrival", None)
        conn.arrival = None
        if state == TOO_SLOW:
            self.log.info("closed a connection whose request headers took over %s s", HEAD_SECONDS)
            conn.close()
            conn.closed_in_thread = True
            return False
        if not isinstance(conn.sock, DeadlineSocket):
            conn.sock = DeadlineSocket(conn.sock)
        conn.sock.deadline = time.monotonic() + READ_SECONDS
        conn.data_ready = True  # what has arrived is read: gunicorn must not wait on the socket for it
        if arrival is not None:
            conn.sock.prefetched += arrival.data
            if arrival.head_done is not None:
                conn.sock.deadline = arrival.head_done + READ_SECONDS
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
        prefetched = isinstance(conn.sock, DeadlineSocket) and conn.sock.prefetched
        if prefetched and not fs.cancelled() and fs.result() and fs.result() is not _DEFER and self.alive:
            self.enqueue_req(conn)  # the next request was read ahead: the poller would not wake for it
            return
        super().finish_request(conn, fs)

    def _arrival_state(self, conn) -> str:
        parser = getattr(conn, "parser", None)
        if parser is not None and parser.unreader.buf.getvalue():
            return READY  # the next request's bytes are already read: gunicorn goes on with them
        raw = conn.sock._sock if isinstance(conn.sock, DeadlineSocket) else conn.sock
        if isinstance(conn.sock, DeadlineSocket) and conn.sock.prefetched:
            return READY
        arrival = getattr(conn, "arrival", None) or Arrival()
        conn.arrival = arrival
        if arrival.head_done is None:
            arrival.read_available(raw, HEAD_PEEK_BYTES)  # the head first: no more than a head's worth
        framing = body_needed(arrival.data)
        if framing is None:
            if arrival.ended or len(arrival.data) >= HEAD_PEEK_BYTES:
                return READY  # closed by the client, or too large a head: gunicorn answers
            return TOO_SLOW if time.monotonic() - arrival.started > HEAD_SECONDS else WAIT
        if arrival.head_done is None:
            arrival.head_done = time.monotonic()
        return self._body_state(arrival, raw, *framing)

    def _body_state(self, arrival: Arrival, raw: socket.socket, head_end: int, whole: int | None) -> str:
        """Read what has come of the body, if it is one to buffer (within its size and the budget,
        checked before it is read), and say whether the request is whole."""
        limit = whole if whole is not None else head_end + BODY_BUFFER_BYTES
        if limit > head_end + BODY_BUFFER_BYTES or not self._within_budget(arrival, limit - head_end):
            return READY  # too large to buffer: a thread reads it, until READ_SECONDS after its head
        arrival.read_available(raw, limit)
        data = arrival.data
        complete = chunked_complete(data, head_end) if whole is None else len(data) >= whole
        if arrival.ended or complete is None or complete or len(data) >= limit:
            return READY  # whole, ended, or framing only gunicorn can judge
        if time.monotonic() - arrival.head_done > READ_SECONDS:
            return READY  # the app reads what came, then the end: 400 for a body cut short
        return WAIT

    def _within_budget(self, arrival: Arrival, body_bytes: int) -> bool:
        """Whether this body fits in what the process may hold in buffers, the other requests still
        arriving counted; the budget is checked before a body is read and holds for it thereafter."""
        if arrival.budgeted:
            return True
        waiting = [getattr(conn, "arrival", None) for conn in list(self.pending_conns)]
        held = sum(len(other.data) for other in waiting if other is not None and other is not arrival)
        arrival.budgeted = held + body_bytes <= BUFFER_BUDGET_BYTES
        return arrival.budgeted

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
