"""What the desk answered: where a redirect leads, and the posts a feed holds now."""

from __future__ import annotations

import httpx2 as httpx

from livefeed.distribution import reading
from livefeed.domain.posts import Post
from livefeed.services import Services


def posts_of(svc: Services, slug: str = "summit") -> list[Post]:
    return reading.list_posts(svc, slug, limit=100, cursor=None)[1]


def location(response: httpx.Response) -> str:
    return response.headers["location"]
