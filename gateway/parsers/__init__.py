"""One pure parser per registry type: headers and raw body in, normalised events out.

`PARSERS` maps the lowercase RegistryType name (the enum value without its
`REGISTRY_TYPE_` prefix) to its parser. Every parser has the signature
`parse(headers, body) -> ParseResult`, does no I/O, and raises only ParseError
(UnsupportedMediaType, a subclass, for a wrong Content-Type).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from gateway.events import ParseResult
from gateway.parsers import (
    acr,
    aliyun,
    artifactory,
    distribution,
    dockerhub,
    ecr,
    gar,
    gitea,
    github,
    harbor,
    nexus,
    quay,
)

ParserFn = Callable[[Mapping[str, str], bytes], ParseResult]

PARSERS: dict[str, ParserFn] = {
    "distribution": distribution.parse,
    "docker_hub": dockerhub.parse,
    "harbor": harbor.parse,
    "quay": quay.parse,
    "acr": acr.parse,
    "ecr": ecr.parse,
    "gar": gar.parse,
    "artifactory": artifactory.parse,
    "github": github.parse,
    # GitLab's registry is a Distribution fork and sends Distribution notifications.
    "gitlab": distribution.parse,
    "nexus": nexus.parse,
    "gitea": gitea.parse,
    "aliyun": aliyun.parse,
}
