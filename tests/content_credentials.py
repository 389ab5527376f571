"""Pictures signed with C2PA Content Credentials in the test itself: a certificate authority and
a signing certificate made with ``cryptography``, manifests signed with ``c2pa-python``."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests import media_files

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Newsroom"),
        ]
    )


def _usage(*, signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=signs_certificates,
        crl_sign=signs_certificates, encipher_only=False, decipher_only=False,
    )  # fmt: skip


@dataclass(frozen=True)
class TestSigner:
    """A signing certificate (with its authority's) and its key, as PEM."""

    chain: bytes
    key: bytes
    common_name: str

    def sign(self, data: bytes, content_type: str, manifest: dict[str, Any]) -> bytes:
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, self.chain, self.key, None)
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest) as builder:
            out = io.BytesIO()
            builder.sign(signer, content_type, io.BytesIO(data), out)
            return out.getvalue()


def make_signer(common_name: str = "Test Camera") -> TestSigner:
    now = datetime.now(UTC)
    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Authority"))
        .issuer_name(_name("Test Authority"))
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(signs_certificates=True), critical=True)
        .sign(authority_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(authority.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signs_certificates=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
        .sign(authority_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = certificate.public_bytes(pem) + authority.public_bytes(pem)
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return TestSigner(chain, private, common_name)


def manifest(generator: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
    name, _, version = generator.partition(" ")
    return {
        "claim_generator_info": [{"name": name, "version": version or "1.0"}],
        "title": "picture.jpg",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
    }


def camera_capture(signer: TestSigner) -> bytes:
    actions = [{"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCapture"}]
    return signer.sign(media_files.jpeg(800, 600), "image/jpeg", manifest("Camera 2.1", actions))


def ai_generated(signer: TestSigner) -> bytes:
    actions = [{"action": "c2pa.created", "digitalSourceType": IPTC + "trainedAlgorithmicMedia"}]
    return signer.sign(media_files.jpeg(640, 480), "image/jpeg", manifest("Imagine 3.0", actions))


def edited(signer: TestSigner) -> bytes:
    actions = [
        {"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCapture"},
        {"action": "c2pa.cropped"},
        {"action": "c2pa.color_adjustments"},
    ]
    return signer.sign(media_files.jpeg(700, 500), "image/jpeg", manifest("Darkroom 5.2", actions))


def tampered(signed: bytes) -> bytes:
    """``signed`` with bytes the signature covers changed afterwards (the camera's name in its
    EXIF, so the picture still decodes), its manifest left as it was."""
    assert b"Camera Maker" in signed
    return signed.replace(b"Camera Maker", b"Camera Faker", 1)
