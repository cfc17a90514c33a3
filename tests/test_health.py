"""GET /healthz says whether the database and the queue answer."""


def test_health_reports_the_database_and_the_queue(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "kind": app.extensions["ifr"].engine.dialect.name}
    expected_queue = "rq" if app.config["IFR"].redis_url else "in-process"
    assert body["queue"] == {"ok": True, "kind": expected_queue}


def test_health_is_degraded_but_serving_when_the_queue_is_unreachable(app, client):
    from ifr_service.jobs.dispatch import RqDispatcher

    runtime = app.extensions["ifr"]
    working = runtime.dispatcher
    runtime.dispatcher = RqDispatcher("redis://127.0.0.1:1/0")
    try:
        response = client.get("/healthz")
    finally:
        runtime.dispatcher = working
    assert response.status_code == 200  # submissions still work: their jobs wait in the outbox
    assert response.json["status"] == "degraded"
    assert response.json["queue"]["ok"] is False


def test_health_is_down_with_retry_after_when_the_database_is_unreachable(app, client):
    from tests.conftest import database_down

    with database_down(app):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["status"] == "down"
    assert response.json["database"] == {"ok": False, "kind": "postgresql", "error": "OperationalError"}
