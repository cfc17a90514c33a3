"""The `ifr-service` command, run as an operator would run it."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ifr_service.clock import today_in_england
from ifr_service.config import PROJECT_ROOT
from ifr_service.demo import with_recent_mdt
from tests.builders import submit_ifr
from tests.log_scan import find_identifiers, written_nhs_numbers

COMMAND = [str(Path(sys.executable).parent / "ifr-service")]
EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "ifr-application.json"


def run(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True,
                          check=check, timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Wait for the server to answer; a worker still booting may accept and not yet reply."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:  # refused, reset or timed out
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def test_make_runs_steps_serve_a_working_service(fresh_env):
    run("db", "upgrade", env=fresh_env)
    run("reference", "load", env=fresh_env)
    demo = run("demo", "load", env=fresh_env)
    # 24: the demo users (ifr_service/users/demo.py): the London panels', the trust approvers, the policy
    # lead, the hub's commissioning finance
    assert "24 new users" in demo.stdout
    clinician = run("token", "--user", "demo-clinician", env=fresh_env).stdout.strip()
    approver = run("token", "--user", "demo-trust-approver", env=fresh_env).stdout.strip()
    officer = run("token", "--user", "demo-officer", env=fresh_env).stdout.strip()
    port = free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port)], env=fresh_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", server)
        example = with_recent_mdt(json.loads(EXAMPLE.read_text()), today_in_england())
        status, case = request(f"{base}/api/v1/cases?submit=true", example, clinician)
        assert status == 201 and case["state"] == "awaiting_trust_approval", case
        status, case = request(f"{base}/api/v1/cases/{case['reference']}/actions/approve_for_trust", {},
                               approver)  # the trust's sign-off sends it to NHS England
        assert status == 200, case
        status, queue = request(f"{base}/api/v1/hubs/london/queue", token=officer)
        assert case["reference"] in [item["reference"] for item in queue["cases"]]
    finally:
        server.terminate()
        server.wait(timeout=30)
        output = server.stdout.read()
        server.stdout.close()
    # Its log and gunicorn's access log: the path without the query, and no NHS number anywhere.
    assert '"POST /api/v1/cases HTTP/1.1" 201' in output and "submit=true" not in output
    assert find_identifiers((demo.stderr + output).splitlines(), written_nhs_numbers()) == []


def test_idle_connections_do_not_hold_up_the_embedded_server(fresh_env):
    """A sync worker waited 35 s on one connection that sent nothing, and the embedded default has one
    process: one such connection froze the service. Each connection now holds one thread."""
    run("db", "upgrade", env=fresh_env)
    port = free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port)], env=fresh_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    idle = []
    try:
        wait_for(f"{base}/healthz", server)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]  # open, send nothing
        idle[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and one that stops mid-way
        time.sleep(0.2)  # the server has accepted them
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as reply:
            assert reply.status == 200
        assert time.monotonic() - started < 1
    finally:
        for connection in idle:
            connection.close()
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


@pytest.fixture
def served(fresh_env):
    """`ifr-service serve` on a free loopback port, with two threads: few enough that a test needs few
    slow sockets to outnumber them. Yields its port."""
    run("db", "upgrade", env=fresh_env)
    port = free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--threads", "2"], env=fresh_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


def test_clients_sending_their_headers_slowly_do_not_hold_up_the_server(served):
    """A client that sent a header line every 2 s held a thread for as long as it liked, and as many
    such clients as threads froze the service. A thread now takes a request only once its headers
    are whole, and headers not whole within HEAD_SECONDS are closed."""
    from ifr_service.gunicorn_worker import HEAD_SECONDS

    slow = [socket.create_connection(("127.0.0.1", served)) for _ in range(6)]  # three per thread
    try:
        for connection in slow:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        open_until_cut_off = set(range(len(slow)))
        stop = time.monotonic() + HEAD_SECONDS + 3
        while time.monotonic() < stop:
            for index in sorted(open_until_cut_off):
                try:
                    slow[index].sendall(b"X-Slowly: one line at a time\r\n")
                except OSError:  # the server closed it
                    open_until_cut_off.discard(index)
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{served}/healthz", timeout=2) as reply:
                assert reply.status == 200
            assert time.monotonic() - started < 1
            time.sleep(0.5)
        for connection in slow:  # each was closed once its headers had taken HEAD_SECONDS
            connection.settimeout(2)
            with contextlib.suppress(ConnectionResetError):
                assert connection.recv(1024) == b""
    finally:
        for connection in slow:
            connection.close()


def test_clients_sending_their_bodies_slowly_do_not_hold_up_the_server(served):
    """Headers whole, then a body a byte at a time: each such request held a thread until READ_SECONDS,
    and as many as threads froze the service for that long, again and again. A thread now takes a
    request only once its body has arrived whole, so /healthz keeps answering at once."""
    slow = [socket.create_connection(("127.0.0.1", served)) for _ in range(6)]  # three per thread
    try:
        for connection in slow:
            connection.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        stop = time.monotonic() + 6
        while time.monotonic() < stop:
            for connection in slow:
                connection.sendall(b" ")
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{served}/healthz", timeout=3) as reply:
                assert reply.status == 200
            assert time.monotonic() - started < 1
            time.sleep(0.5)
    finally:
        for connection in slow:
            connection.close()


def test_a_body_sent_whole_after_arriving_in_pieces_is_answered(served):
    """The worker reads a request's pieces as they come and hands the app the whole of it: a body by
    its length, and a chunked one to its last chunk."""
    body = json.dumps({"nonsense": True}).encode()
    with socket.create_connection(("127.0.0.1", served), timeout=5) as connection:
        connection.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n")
        time.sleep(0.3)
        connection.sendall(b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body[:5])
        time.sleep(0.3)
        connection.sendall(body[5:])
        assert connection.recv(12) == b"HTTP/1.1 401"  # the app read it whole: no token
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    with socket.create_connection(("127.0.0.1", served), timeout=5) as connection:
        connection.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked[:7])
        time.sleep(0.3)
        connection.sendall(chunked[7:])
        assert connection.recv(12) == b"HTTP/1.1 401"


def raw_answer(port: int, request: bytes) -> tuple[int, dict, dict]:
    """Send bytes as they are, and read the status, headers and JSON body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /api/v1/cases?q=" + b"x" * 5000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414),
    (b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(101)) + b"\r\n",
     431),
    (b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n", 431),
    (b"NOT HTTP AT ALL\r\n\r\n", 400),
])
def test_what_gunicorn_refuses_before_the_app_is_answered_in_the_apis_error_shape(served, request_bytes,
                                                                                   status):
    answered, headers, body = raw_answer(served, request_bytes)
    assert answered == status and headers["Content-Type"] == "application/json"
    assert body["status"] == status and body["errors"][0]["field"] is None and body["errors"][0]["message"]


def test_token_is_refused_in_production(fresh_env):
    env = {**fresh_env, "IFR_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(40),
           "CET_PSEUDONYM_KEY": secrets.token_urlsafe(40),
           "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
           "REDIS_URL": "redis://127.0.0.1:1/0", "SMTP_HOST": "127.0.0.1",
           "OIDC_ISSUER": "https://identity.example.nhs.uk", "OIDC_CLIENT_SECRET": "c" * 32,
           "SERVICE_URL": "https://ifr.example.nhs.uk"}
    result = run("token", "--user", "demo-admin", env=env, check=False)
    assert result.returncode != 0
    assert "development only" in result.stderr


def test_without_ifr_env_a_postgresql_database_refuses_to_start_and_says_why(fresh_env):
    env = {**fresh_env, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    commands = (["db", "upgrade"], ["serve", "--port", str(free_port())], ["token", "--user", "demo-admin"])
    for command in commands:
        result = run(*command, env=env, check=False)
        assert result.returncode != 0
        assert "IFR_ENV is not set" in result.stderr and "IFR_ENV=production" in result.stderr


def test_production_refuses_to_start_on_the_development_defaults(fresh_env):
    result = run("db", "upgrade", env={**fresh_env, "IFR_ENV": "production"}, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_worker_command_runs_queued_jobs_from_redis(app, client, auth, application, in_db):
    config = app.config["IFR"]
    if not config.redis_url:
        pytest.skip("needs the production stack (PostgreSQL and Redis)")
    submit_ifr(client, auth, application)
    env = {**os.environ, "IFR_ENV": "test", "DATABASE_URL": config.database_url,
           "REDIS_URL": config.redis_url, "SECRET_KEY": config.secret_key}
    run("worker", "--burst", env=env)

    from sqlmodel import select

    from ifr_service import db
    from ifr_service.notifications.models import Notification

    assert in_db(lambda: len(list(db.session().exec(select(Notification))))) == 1
