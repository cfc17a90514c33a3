"""The tests' own server leaves no file open, whatever the browser does."""

from __future__ import annotations

from ifr_service.web.live import whole_responses


class FileLikeBody:
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self):
        yield b"a"
        yield b"b"

    def close(self) -> None:
        self.closed = True


def test_a_response_is_read_whole_and_closed_before_the_server_writes_it():
    body = FileLikeBody()
    started = []

    def app(environ, start_response):
        start_response("200 OK", [])
        return body

    answer = whole_responses(app)({}, lambda status, headers: started.append(status))
    assert answer == [b"ab"] and body.closed and started == ["200 OK"]
