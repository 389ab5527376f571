"""A bare handler for the polling comparison: one Starlette route under uvicorn.

The uvicorn settings of ``livefeed serve`` (asyncio loop, h11, access log at ``info``, no proxy
headers). ``livefeed serve`` also puts a front before uvicorn's HTTP protocol that answers event
streams itself and hands every other connection to uvicorn, so a poll takes uvicorn's own path
in both servers and the difference is the application.

    python bench/fanout_bare.py --port 8124
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def not_modified(request: Request) -> Response:
    """What a poll with a matching ``If-None-Match`` gets, without looking anything up."""
    return Response(status_code=304, headers={"ETag": '"1"', "Cache-Control": "max-age=2"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # Every path: the feed page's, Atom's and the poll's revalidations are compared with it.
    app = Starlette(routes=[Route("/{path:path}", not_modified)])
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=False, log_level="info")


if __name__ == "__main__":
    main()
