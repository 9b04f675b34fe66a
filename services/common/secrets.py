"""Encryption at rest for registry credentials and webhook secrets (Fernet, rotatable keys)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretBox:
    """Encrypts with the first key; decrypts with any, so keys can be rotated."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key is required")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    @classmethod
    def from_setting(cls, setting: str) -> SecretBox:
        """`setting` is one or more comma-separated Fernet keys (urlsafe base64 of 32 bytes)."""
        return cls([k.strip() for k in setting.split(",") if k.strip()])

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise ValueError("stored secret cannot be decrypted with the configured keys") from None


def parse_secret_keys(raw: str) -> str:
    """Config parser: validates REGSIEVE_SECRET_KEY without keeping key objects around."""
    try:
        SecretBox.from_setting(raw)
    except ValueError:
        raise ValueError(
            "expected comma-separated Fernet keys (urlsafe base64 of 32 bytes); "
            "generate one with: regsieve genkey"
        ) from None
    return raw


def generate_key() -> str:
    return Fernet.generate_key().decode()
