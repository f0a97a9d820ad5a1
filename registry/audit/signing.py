"""The portal's Ed25519 key for audit checkpoints: read from the settings (never from the database), and the
checks anyone can make with its public half."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


class KeyFormatError(ValueError):
    """The key text is neither base64 of 32 raw bytes nor a PEM Ed25519 private key."""


@dataclass(frozen=True)
class SigningKey:
    """The private key and the public facts about it."""

    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def public_key(self) -> str:
        """The 32-byte public key in base64, as published."""
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")


def key_id(public_key: str) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: short enough to read out on the phone."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


@lru_cache(maxsize=8)
def load(text: str) -> SigningKey:
    """The key from its text: base64 of the 32-byte raw private key, or a PEM (PKCS#8) Ed25519 private key
    such as `openssl genpkey -algorithm ed25519` writes."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        try:
            private = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        except (ValueError, TypeError) as error:
            raise KeyFormatError(f"not a readable PEM private key ({error})") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyFormatError("the PEM key is not an Ed25519 key")
        return SigningKey(private)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        try:
            raw = base64.urlsafe_b64decode(text)
        except (binascii.Error, ValueError):
            raise KeyFormatError("not base64") from None
    if len(raw) != 32:
        raise KeyFormatError(f"base64 of {len(raw)} bytes; an Ed25519 private key is 32 bytes")
    return SigningKey(Ed25519PrivateKey.from_private_bytes(raw))


def verify(public_key: str, signature: str, message: bytes) -> bool:
    """Whether `signature` (base64) is the key's signature over `message`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False
    return True
