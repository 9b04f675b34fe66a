"""Errors of the registry client, each with a stable machine-readable code."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class; `code` is a stable reason such as `UNAUTHORIZED` or `MANIFEST_UNKNOWN`."""

    code = "REGISTRY_ERROR"
    transient = False

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.status = status


class RegistryUnreachable(RegistryError):
    """DNS, TCP or TLS failed, or every retry of a 5xx/429/timeout was used up."""

    code = "UNREACHABLE"
    transient = True


class RegistryAuthError(RegistryError):
    """Credentials refused, token service failed, or access denied."""

    code = "UNAUTHORIZED"


class RegistryNotFound(RegistryError):
    """Repository, manifest or blob unknown."""

    code = "NOT_FOUND"


class RegistryProtocolError(RegistryError):
    """The server answered in a way the Distribution API does not allow."""

    code = "PROTOCOL_ERROR"


class DigestMismatch(RegistryError):
    """Content does not hash to the digest it was requested or announced by."""

    code = "DIGEST_MISMATCH"


class ManifestInvalid(RegistryError):
    """A manifest or config that cannot be parsed, or of an unsupported media type."""

    code = "MANIFEST_INVALID"


class ContentTooLarge(RegistryError):
    """A manifest, config or blob larger than the configured limit."""

    code = "TOO_LARGE"
