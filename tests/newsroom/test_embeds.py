"""Social posts in posts: described by their site, kept as snapshots, checked again later."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from livefeed.domain.embeds import PROVIDERS, provider_for
from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import embed_checks, publishing, workflow
from livefeed.services import Services
from tests.factories import make_contributor, make_editor, make_feed, make_post, make_user
from tests.social_sites import CHIRP, HOSTILE_HTML, MASTODON, Social, social_sites


@pytest.fixture
def social(svc: Services) -> Iterator[Social]:
    with social_sites(svc) as sites:
        yield sites


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


def test_a_listed_site_describes_its_post_and_a_snapshot_is_kept(
    svc: Services, editor: User, social: Social
) -> None:
    url = social.chirp_post()

    post = make_post(svc, editor, headline="", body="", **{"embed.url": url})

    embed = post.embed
    assert embed is not None
    assert embed.id
    assert (embed.provider, embed.url, embed.author_name) == ("Chirp", url, "Anna Reporter")
    assert embed.author_url == "https://chirp.test/anna"
    assert embed.text.startswith("Talks resume at nine in Geneva. #summit — Anna Reporter")
    assert "<script" not in embed.html
    assert "Talks resume at nine" in embed.html
    assert "platform.chirp.test/widgets.js" in embed.original_html
    assert embed.hosts == (social.origin("chirp.test"),)
    assert post.title_text == "Talks resume at nine in Geneva."
    assert not embed.gone


def test_the_picture_is_copied_into_our_storage(
    svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})

    assert post.embed is not None
    assert post.embed.image_url.startswith(svc.storage.url("x")[:-1])
    assert svc.storage.exists(post.embed.image_url.rsplit("/", 1)[1])
    assert "chirp.test" not in post.embed.image_url


def test_hostile_markup_is_sanitised(svc: Services, editor: User, social: Social) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post(html=HOSTILE_HTML)})

    assert post.embed is not None
    html = post.embed.html
    for bad in ("<script", "steal", "onerror", "onclick", "<iframe", "evil.test", "<img"):
        assert bad not in html
    assert "javascript:" not in html
    assert "style=" not in html
    assert "Look here" in html


def test_a_site_found_by_discovery_is_a_mastodon_instance(
    svc: Services, editor: User, social: Social
) -> None:
    url = social.mastodon_post()

    post = make_post(svc, editor, **{"embed.url": url})

    assert post.embed is not None
    assert post.embed.provider == MASTODON
    assert post.embed.author_name == "Anna"
    assert post.embed.hosts == (social.origin(MASTODON),)
    assert "<iframe" not in post.embed.html
    assert "embed.js" in post.embed.original_html


def test_a_site_neither_listed_nor_discoverable_is_refused_clearly(
    svc: Services, editor: User, social: Social
) -> None:
    with pytest.raises(Invalid) as raised:
        make_post(svc, editor, **{"embed.url": social.page_without_oembed()})

    assert raised.value.errors == {
        "embed.url": "posts from “plain.test” cannot be embedded: it is not a site we know, "
        "and its page offers no oEmbed description"
    }


def test_an_address_that_is_not_one_is_refused_on_its_field(svc: Services, editor: User) -> None:
    with pytest.raises(Invalid) as raised:
        make_post(svc, editor, **{"embed.url": "javascript:alert(1)"})

    assert list(raised.value.errors) == ["embed.url"]


def test_an_address_inside_our_network_is_refused(svc: Services, editor: User) -> None:
    with pytest.raises(Invalid) as raised:
        make_post(svc, editor, **{"embed.url": "http://127.0.0.1/admin"})

    assert "inside our network" in raised.value.errors["embed.url"]


def test_an_edit_that_keeps_the_address_keeps_the_snapshot_without_asking_again(
    svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    asked = len(social.site.requests)

    fields = post.as_fields() | {"headline": "Talks resume, at last"}
    edited = publishing.edit_post(svc, editor, "summit", post.id, fields, seen_version=1)

    assert edited.embed == post.embed
    assert len(social.site.requests) == asked


def test_an_edit_may_change_or_remove_the_embed(
    svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post(1)})
    second = social.chirp_post(2)

    changed = publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"embed.url": second}, seen_version=1
    )
    removed = publishing.edit_post(
        svc, editor, "summit", post.id, changed.as_fields() | {"embed.url": ""}, seen_version=2
    )

    assert changed.embed is not None
    assert changed.embed.url == second
    assert removed.embed is None


def test_a_draft_keeps_its_embed_until_it_goes_out(
    svc: Services, editor: User, social: Social
) -> None:
    url = social.chirp_post()
    carl = make_contributor(svc)

    draft = workflow.start_post(
        svc, carl, "summit", {"body": "Seen this?", "embed.url": url}, state=PostState.SUBMITTED
    )
    out = workflow.update_post(svc, editor, "summit", draft.id, state=PostState.PUBLISHED)

    assert draft.embed is not None
    assert draft.embed.url == url
    assert out.embed == draft.embed


def test_only_the_feed_s_team_may_make_the_server_fetch(svc: Services, social: Social) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    stranger = make_user(svc, "someone@else.test")
    url = social.chirp_post()
    asked = len(social.site.requests)

    with pytest.raises(Forbidden):
        make_post(svc, stranger, **{"embed.url": url})

    assert len(social.site.requests) == asked


# Checking later ----------------------------------------------------------------------------------


def test_a_deleted_original_is_marked_and_keeps_its_snapshot(
    svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    assert post.embed is not None
    social.delete(post.embed.endpoint, 410)

    report = embed_checks.check(svc)

    _, after = workflow.visible_post(svc, editor, "summit", post.id)
    assert report == embed_checks.Checked(checked=1, gone=1, unreachable=0)
    assert after.embed is not None
    assert after.embed.gone
    assert after.embed.text == post.embed.text
    assert after.version == post.version + 1


def test_an_original_still_there_is_only_noted_as_checked(
    svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})

    assert embed_checks.check(svc) == embed_checks.Checked(checked=1, gone=0, unreachable=0)

    _, after = workflow.visible_post(svc, editor, "summit", post.id)
    assert after.embed is not None
    assert not after.embed.gone
    assert after.embed.checked_at
    assert after.version == post.version


def test_the_embed_of_a_deleted_post_is_not_asked_about(
    svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    publishing.delete_post(svc, editor, "summit", post.id)
    asked = len(social.site.requests)

    assert embed_checks.check(svc) == embed_checks.Checked(checked=0, gone=0, unreachable=0)
    assert len(social.site.requests) == asked


@pytest.mark.parametrize("status", [500, 503, 403])
def test_a_site_that_fails_otherwise_marks_nothing(
    svc: Services, editor: User, social: Social, status: int
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    assert post.embed is not None
    social.delete(post.embed.endpoint, status)

    assert embed_checks.check(svc) == embed_checks.Checked(checked=0, gone=0, unreachable=1)

    _, after = workflow.visible_post(svc, editor, "summit", post.id)
    assert after.embed is not None
    assert not after.embed.gone


def test_a_site_out_of_reach_marks_nothing(svc: Services, editor: User, social: Social) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    social.site.stop()

    assert embed_checks.check(svc) == embed_checks.Checked(checked=0, gone=0, unreachable=1)

    _, after = workflow.visible_post(svc, editor, "summit", post.id)
    assert after.embed is not None
    assert not after.embed.gone


# The listed providers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://x.com/anna/status/1866000000000000001", "X"),
        ("https://twitter.com/anna/status/1866000000000000001?s=20", "X"),
        ("https://bsky.app/profile/anna.bsky.social/post/3lbx2k7yq2c2a", "Bluesky"),
        ("https://www.instagram.com/p/C9aBcDeFgHi/", "Instagram"),
        ("https://www.threads.net/@anna/post/C9aBcDeFgHi", "Threads"),
        ("https://www.facebook.com/newsroom/posts/pfbid02abc", "Facebook"),
        ("https://www.tiktok.com/@anna/video/7300000000000000000", "TikTok"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube"),
        ("https://youtu.be/dQw4w9WgXcQ", "YouTube"),
        ("https://vimeo.com/76979871", "Vimeo"),
        ("https://t.me/newsroom/1234", "Telegram"),
    ],
)
def test_each_listed_site_is_known_by_its_posts_addresses(url: str, name: str) -> None:
    provider = provider_for(url, PROVIDERS)

    assert provider is not None
    assert provider.name == name


def test_a_mastodon_toot_is_left_to_discovery() -> None:
    assert provider_for("https://mastodon.social/@Gargron/113", PROVIDERS) is None


def test_a_site_that_needs_an_access_token_gets_the_sites_or_a_clear_refusal(
    svc: Services, editor: User, social: Social
) -> None:
    """As Instagram, Threads and Facebook: their endpoints answer only to Meta's app token."""
    guarded = replace(social.chirp, token=True)
    svc.embed_providers = (guarded,)
    url = social.url(CHIRP, "/anna/status/7")
    with pytest.raises(Invalid) as refused:
        publishing.publish_post(svc, editor, "summit", {"headline": "Token", "embed.url": url})
    assert list(refused.value.errors) == ["embed.url"]
    assert "access token from Meta" in refused.value.errors["embed.url"]

    svc.settings = svc.settings.replace(meta_access_token="app|client")
    social.describe(
        guarded.request_url(url, "app|client"),
        {"type": "rich", "version": "1.0", "author_name": "Anna", "html": "<p>Talks</p>"},
    )
    post = publishing.publish_post(svc, editor, "summit", {"headline": "Token", "embed.url": url})
    assert post.embed is not None
    assert post.embed.author_name == "Anna"
