"""What a C2PA manifest store says, read into what readers see, without a database."""

from __future__ import annotations

from typing import Any

import pytest

from livefeed.domain.credentials import (
    IPTC_PREFIX,
    Credentials,
    Validity,
    credentials_from_manifest,
    is_ai_made,
    parse_source_type,
)
from livefeed.domain.errors import Invalid


def store(source: str, statuses: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "active_manifest": "urn:one",
        "manifests": {
            "urn:one": {
                "claim_generator_info": [{"name": "Camera", "version": "2.1"}],
                "signature_info": {"common_name": "Test Camera", "issuer": "Newsroom"},
                "assertions": [
                    {
                        "label": "c2pa.actions.v2",
                        "data": {
                            "actions": [
                                {"action": "c2pa.created", "digitalSourceType": source},
                                {"action": "c2pa.cropped"},
                            ]
                        },
                    }
                ],
            }
        },
        "validation_status": statuses or [],
    }


def test_a_valid_manifest_from_an_unknown_signer_is_valid_not_trusted() -> None:
    untrusted = [{"code": "signingCredential.untrusted"}]
    found = credentials_from_manifest(
        store(IPTC_PREFIX + "digitalCapture", untrusted), "Valid", store_kept=True
    )
    assert found == Credentials(
        validity=Validity.VALID,
        signer="Test Camera (Newsroom)",
        claim_generator="Camera 2.1",
        actions=("c2pa.created", "c2pa.cropped"),
        digital_source_type=IPTC_PREFIX + "digitalCapture",
        failures=(),
        store_kept=True,
    )
    assert found.action_words == ("created", "cropped")
    assert Credentials.from_json(found.as_json()) == found


@pytest.mark.parametrize("state", ["Invalid", None, "Valid"])
def test_any_failure_makes_it_invalid(state: str | None) -> None:
    failed = [{"code": "assertion.dataHash.mismatch"}]
    found = credentials_from_manifest(store("", failed), state, store_kept=False)
    assert found is not None
    assert found.validity is Validity.INVALID
    assert found.failures == ("assertion.dataHash.mismatch",)


def test_a_store_without_an_active_manifest_is_none() -> None:
    assert credentials_from_manifest({"manifests": {}}, "Valid", store_kept=False) is None


def test_ai_made_when_the_manifest_or_the_editor_says_so() -> None:
    made = credentials_from_manifest(
        store(IPTC_PREFIX + "trainedAlgorithmicMedia"), "Valid", store_kept=False
    )
    camera = credentials_from_manifest(
        store(IPTC_PREFIX + "digitalCapture"), "Valid", store_kept=False
    )
    assert is_ai_made(made, "")
    assert not is_ai_made(camera, "")
    assert is_ai_made(None, "trainedAlgorithmicMedia")
    assert not is_ai_made(None, "")


def test_a_hand_set_source_type_is_one_of_the_iptc_codes() -> None:
    assert parse_source_type(IPTC_PREFIX + "digitalArt") == "digitalArt"
    assert parse_source_type("") == ""
    with pytest.raises(Invalid, match="must be one of"):
        parse_source_type("painting")
