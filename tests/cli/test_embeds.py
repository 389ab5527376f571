"""``livefeed embeds check``: the sites asked again, in the site's own process."""

from __future__ import annotations

from livefeed.access import accounts
from livefeed.newsroom import workflow
from livefeed.services import Services
from tests.cli.conftest import Run, ok
from tests.factories import make_post
from tests.social_sites import social_sites


def test_the_check_reports_and_a_site_out_of_reach_marks_nothing(
    run: Run, summit: str, editor: str, svc: Services
) -> None:
    anna = accounts.by_email(svc, editor)
    with social_sites(svc) as social:
        post = make_post(svc, anna, summit, **{"embed.url": social.chirp_post()})
        # The command runs under the production rules, which never reach a loopback site.
        output = ok(run("embeds", "check"))

    assert output == "0 checked, 0 no longer available, 1 not reached\n"
    _, after = workflow.visible_post(svc, anna, summit, post.id)
    assert after.embed is not None
    assert not after.embed.gone


def test_nothing_to_check(run: Run, migrated: dict[str, str]) -> None:
    assert ok(run("embeds", "check")) == "0 checked, 0 no longer available, 0 not reached\n"
