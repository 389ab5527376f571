"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database, schema, Redis).

A load balancer or an orchestrator asks these, often: neither touches a session, renders a page
or logs more than its access line, and neither may be cached.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed.operations import health

NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    """200 when every part answers; else 503 naming each part that does not, and why."""
    svc = request.app.state.services
    problems = await run_in_threadpool(health.database_problems, svc)
    problems |= await health.redis_problems(svc.settings.redis_url)
    if problems:
        return JSONResponse(
            {"status": "not ready", "problems": problems}, status_code=503, headers=NO_STORE
        )
    return JSONResponse({"status": "ready"}, headers=NO_STORE)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
