"""Publish-to-screen latency: ``POST /feeds/{slug}/latency``, a reader's page's beacon.

One reader's page in a hundred (and every editor's) notes how long each post took from its
commit to the screen and sends the seconds in one small batch as it goes (``latency.js``). The
beacon is anonymous (nothing of who sent it is kept), bounded (see ``domain/pulse.py``) and
limited per address, since anyone may send it: it feeds each instance's last hour of samples
for the editors' pulse and the ``livefeed_publish_to_screen_seconds`` histogram.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.domain import pulse
from livefeed.domain.errors import LivefeedError
from livefeed.web import security
from livefeed.web.errors import problem_for
from livefeed.web.forms import json_object
from livefeed.web.metrics import Metrics
from livefeed.web.reader import stream
from livefeed.web.security import services


async def latency(request: Request) -> Response:
    try:
        feed = await stream.current_feed(request, request.path_params["slug"])
        body = await json_object(request, frozenset({"latencies"}), allow_empty=False)
        values = pulse.latencies_from(body.get("latencies"))
        services(request).limits.hit("latency", address=security.client_address(request))
    except LivefeedError as error:
        return problem_for(error)
    samples: pulse.Latencies = request.app.state.latencies
    samples.add(feed.id, time.time(), values)
    measured: Metrics = request.app.state.metrics
    measured.screen_latencies(values)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


routes = [Route("/feeds/{slug}/latency", latency, methods=["POST"])]
