"""A closed-loop HTTP load: `clients` concurrent clients, each sending its next request as soon as
the last is answered, spread over processes so the load itself is not held back by one interpreter."""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from benchmarks.timing import p95

PROCESSES = 2


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    completed: int
    failed: int  # answers other than 2xx, and connection errors


def post_load(url: str, bodies: list[bytes], headers: dict[str, str], clients: int, seconds: float,
              warmup_seconds: float = 3) -> Load:
    """POST the bodies (in turn) to `url` for `seconds` after a warm-up, and describe the answers."""
    share = [clients // PROCESSES + (1 if i < clients % PROCESSES else 0) for i in range(PROCESSES)]
    context = multiprocessing.get_context("fork")
    start_at = time.time() + 1  # every process starts together
    jobs = [(url, bodies, headers, offset, count, start_at, warmup_seconds, seconds)
            for offset, count in zip((0, share[0]), share, strict=True)]
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(_clients, jobs)
    latencies = sorted(latency for result in results for latency in result[0])
    failed = sum(result[1] for result in results)
    return Load(len(latencies) / seconds, latencies[len(latencies) // 2] * 1000, p95(latencies) * 1000,
                len(latencies), failed)


def _clients(url, bodies, headers, offset, count, start_at, warmup_seconds, seconds):
    """Run `count` client threads; returns the latencies of the answers within the measured window
    (the warm-up's are dropped) and how many failed."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    measured_from, until = start_at + warmup_seconds, start_at + warmup_seconds + seconds
    latencies, failures, lock = [], [0], threading.Lock()

    def client(number: int) -> None:
        sent = number
        time.sleep(max(0.0, start_at - time.time()))
        while (began := time.time()) < until:
            body = bodies[sent % len(bodies)]
            sent += count
            status = _post(parts.hostname, parts.port, path, body, headers)
            ended = time.time()
            with lock:
                if not 200 <= status < 300:
                    failures[0] += 1
                elif began >= measured_from and ended <= until:
                    latencies.append(ended - began)

    threads = [threading.Thread(target=client, args=(offset + i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def _post(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()
