"""CycloneDX 1.5 JSON SBOM of an image's inventory (cyclonedx-python-lib)."""

from __future__ import annotations

from collections.abc import Sequence

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.output.json import JsonV1Dot5
from packageurl import PackageURL

from services.scanner.inventory import Package


def _purl(package: Package) -> PackageURL | None:
    if not package.purl:
        return None
    try:
        return PackageURL.from_string(package.purl)
    except ValueError:
        return None


def cyclonedx_json(
    digest: str, os_name: str, os_ecosystem: str, packages: Sequence[Package]
) -> str:
    bom = Bom()
    image = Component(
        name=digest,
        type=ComponentType.CONTAINER,
        bom_ref=BomRef(digest),
        properties=[Property(name="regsieve:os", value=os_name)] if os_name else None,
    )
    bom.metadata.component = image
    if os_name:
        bom.components.add(
            Component(
                name=os_name,
                version=os_ecosystem,
                type=ComponentType.OPERATING_SYSTEM,
                bom_ref=BomRef(f"os:{os_ecosystem or os_name}"),
            )
        )
    components: list[Component] = []
    seen: set[str] = set()
    for index, package in enumerate(packages):
        ref = package.purl or f"{package.type.value}:{package.name}@{package.version}#{index}"
        if ref in seen:
            ref = f"{ref}#{index}"
        seen.add(ref)
        properties = [Property(name="regsieve:type", value=package.type.value)]
        if package.path:
            properties.append(Property(name="regsieve:path", value=package.path))
        if package.layer:
            properties.append(Property(name="regsieve:layer", value=package.layer))
        if package.source_name:
            properties.append(Property(name="regsieve:source", value=package.source_name))
        component = Component(
            name=package.name,
            version=package.version,
            type=ComponentType.LIBRARY,
            purl=_purl(package),
            bom_ref=BomRef(ref),
            properties=properties,
        )
        bom.components.add(component)
        components.append(component)
    bom.register_dependency(image, components)
    return JsonV1Dot5(bom).output_as_string(indent=None)
