"""The production fetcher of SNS certificates and Google's keys against a local HTTPS server
(a test CA, trusted only by the fetcher under test): HTTPS only, no redirects, bounded size."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.key_material import FetchError, HttpsFetcher
from services.common.embedded import free_port
from tests.unit.gateway.signing_keys import SNS_PEM


def _certificate(key: ec.EllipticCurvePrivateKey, issuer_key: ec.EllipticCurvePrivateKey,
                 subject: str, issuer: str, *, ca: bool) -> x509.Certificate:  # fmt: skip
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
async def https_server(tmp_path: Path) -> AsyncIterator[tuple[str, ssl.SSLContext]]:
    """A local HTTPS server; yields its base URL and a client context trusting its CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(ca_key, ca_key, "Test CA", "Test CA", ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(key, ca_key, "127.0.0.1", "Test CA", ca=False)
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    client_context = ssl.create_default_context(
        cadata=ca.public_bytes(serialization.Encoding.PEM).decode()
    )

    async def certificate_pem(request: web.Request) -> web.Response:
        return web.Response(body=SNS_PEM)

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * (300 * 1024))

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("/cert.pem")

    app = web.Application()
    app.router.add_get("/cert.pem", certificate_pem)
    app.router.add_get("/big", big)
    app.router.add_get("/redirect", redirect)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=server_context).start()
    try:
        yield f"https://127.0.0.1:{port}", client_context
    finally:
        await runner.cleanup()


async def test_https_fetcher_limits(https_server: tuple[str, ssl.SSLContext]) -> None:
    base, trusting = https_server
    fetcher = HttpsFetcher(ssl_context=trusting, max_bytes=256 * 1024, timeout=5)
    try:
        assert await fetcher.get(f"{base}/cert.pem") == SNS_PEM
        refusals = {
            base.replace("https://", "http://") + "/cert.pem": "not_https",
            f"{base}/big": "too_large",
            f"{base}/redirect": "status_302",
            f"{base}/missing": "status_404",
        }
        for url, reason in refusals.items():
            with pytest.raises(FetchError) as caught:
                await fetcher.get(url)
            assert caught.value.reason == reason
        with pytest.raises(FetchError):
            await fetcher.get(f"https://127.0.0.1:{free_port()}/cert.pem")
    finally:
        await fetcher.close()

    production = HttpsFetcher()  # the system trust store does not know the test CA
    try:
        with pytest.raises(FetchError):
            await production.get(f"{base}/cert.pem")
    finally:
        await production.close()
