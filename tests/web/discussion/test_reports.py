"""Reports in pages: the readers whose reports take a comment down are thanked like any other,
and readers and moderators choose from the same list of reasons."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.comments import REPORTS_TO_HIDE, Comment, CommentState, Reason
from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_moderator, make_user
from tests.web.conftest import Page, log_in, submit

ADDRESS = "198.51.100.7"
REASONS = [reason.value for reason in Reason]


def shown(svc: Services, editor: User, body: str) -> Comment:
    fields = {"body": body, "accept_standards": True}
    written = discussion.post_comment(svc, editor, "summit", fields, address=ADDRESS)
    return moderation.approve(svc, editor, written.id)


def test_the_reader_whose_report_hides_the_comment_is_thanked_too(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    target = shown(svc, editor, "Buy followers here")
    readers = [
        make_user(svc, f"reader{n}@readers.test", name=f"Reader {n}")
        for n in range(REPORTS_TO_HIDE)
    ]

    for reader in readers:
        client.cookies.clear()
        log_in(client, reader.email)
        sent = submit(client, f"/comments/{target.id}/report", {"reason": "spam"})
        assert sent.headers["location"] == f"/comments/{target.id}/report?sent=1"
        thanks = client.get(sent.headers["location"])
        assert thanks.status_code == 200, reader.email
        assert "Thank you: the moderators will look at this comment." in thanks.text
        assert "Buy followers here" not in thanks.text

    assert discussion.find_comment(svc, target.id)[0].state is CommentState.HIDDEN
    # The form itself is for comments readers can see.
    assert client.get(f"/comments/{target.id}/report").status_code == 404


def test_reports_and_rejections_offer_one_list_of_reasons(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    target = shown(svc, editor, "Is this allowed?")
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    pending = discussion.post_comment(
        svc, rita, "summit", {"body": "Waiting", "accept_standards": True}, address=ADDRESS
    )

    log_in(client, rita.email)
    report_form = client.get(f"/comments/{target.id}/report").text
    offered = [i["value"] for i in Page(report_form).tags("input") if i.get("name") == "reason"]
    labels = re.findall(r'<label for="f-reason-[^"]+">([^<]+)</label>', report_form)

    client.cookies.clear()
    log_in(client, make_moderator(svc, "summit").email)
    on_the_discussion = client.get("/feeds/summit/discussion").text
    queue = client.get("/moderation").text

    assert offered == REASONS
    assert labels == [
        "Spam", "Abuse", "Harassment", "Off topic", "Misinformation", "Personal data",
        "Something else",
    ]  # fmt: skip
    select = re.search(rf'<select name="reason" id="reject-{pending.id}">(.*?)</select>',
                       on_the_discussion, re.S)  # fmt: skip
    assert select is not None
    assert re.findall(r'<option value="([^"]+)">([^<]+)</option>', select.group(1)) == list(
        zip(REASONS, labels, strict=True)
    )
    dialog = re.search(r'<ol class="reject-reasons">(.*?)</ol>', queue, re.S)
    assert dialog is not None
    assert re.findall(r'<button type="button" value="([^"]+)"', dialog.group(1)) == REASONS
    assert f"choose the reason with 1 to {len(REASONS)}" in queue


def test_a_moderator_may_reject_for_any_reason_a_reader_may_report(
    client: TestClient, svc: Services, clock: Clock, editor: User
) -> None:
    make_feed(svc, editor)
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    log_in(client, editor.email)
    for reason in REASONS:
        clock.advance(600)  # readers may not comment faster
        pending = discussion.post_comment(
            svc, rita, "summit", {"body": f"About {reason}", "accept_standards": True},
            address=ADDRESS,
        )  # fmt: skip
        rejected = submit(client, f"/comments/{pending.id}/reject", {"reason": reason})
        assert rejected.status_code == 303, reason
        assert discussion.find_comment(svc, pending.id)[0].decision_reason == reason
