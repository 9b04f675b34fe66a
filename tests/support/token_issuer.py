"""A Docker token-auth issuer (the realm a registry with `auth: token` sends clients to)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from services.common.embedded import free_port


def self_signed(common_name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


@dataclass
class TokenIssuer:
    """Issues RS256 tokens to `username`/`password`; counts the tokens it issued."""

    directory: Path
    username: str
    password: str
    service: str = "regsieve-test-registry"
    issuer: str = "regsieve-test-issuer"
    expires_in: int = 60
    issued: int = 0
    refused: int = 0
    port: int = 0
    _runner: web.AppRunner | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.key, self.cert = self_signed("regsieve test token signer")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.cert_path = self.directory / "token-signer.pem"
        self.cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def registry_auth(self) -> dict[str, object]:
        return {
            "token": {
                "realm": self.realm,
                "service": self.service,
                "issuer": self.issuer,
                "rootcertbundle": str(self.cert_path),
            }
        }

    def _token(self, scopes: list[str], subject: str) -> str:
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = dt.datetime.now(dt.UTC)
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": self.service,
            "exp": now + dt.timedelta(seconds=self.expires_in),
            "nbf": now - dt.timedelta(seconds=5),
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        x5c = base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"x5c": [x5c]})

    async def handle(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if header != expected:
            self.refused += 1
            return web.json_response({"details": "incorrect username or password"}, status=401)
        if request.query.get("service") != self.service:
            return web.json_response({"details": "unknown service"}, status=400)
        self.issued += 1
        token = self._token(request.query.getall("scope", []), self.username)
        return web.json_response({"token": token, "expires_in": self.expires_in})

    async def start(self) -> TokenIssuer:
        app = web.Application()
        app.router.add_get("/token", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = self.port or free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
