"""Docs stay complete: every config variable in the README, every RPC and field commented."""

from __future__ import annotations

from pathlib import Path

from google.protobuf import descriptor_pb2

from services.cli.catalogue import load_all_config_modules
from services.common.config import REGISTRY
from services.common.reflection import documented_files

ROOT = Path(__file__).resolve().parents[2]


def test_every_config_variable_is_in_the_readme() -> None:
    load_all_config_modules()
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in REGISTRY if f"`{name}`" not in readme]
    assert not missing, f"README.md lacks: {missing}"


def test_every_rpc_message_and_field_has_a_comment() -> None:
    undocumented = []
    for name, raw in documented_files().items():
        if not name.startswith("regsieve/"):
            continue
        proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
        commented = {
            tuple(loc.path)
            for loc in proto.source_code_info.location
            if loc.leading_comments.strip() or loc.trailing_comments.strip()
        }
        for s, service in enumerate(proto.service):
            if (6, s) not in commented:
                undocumented.append(service.name)
            for m, method in enumerate(service.method):
                if (6, s, 2, m) not in commented:
                    undocumented.append(f"{service.name}.{method.name}")
        for i, message in enumerate(proto.message_type):
            if (4, i) not in commented:
                undocumented.append(message.name)
            for f, field in enumerate(message.field):
                if (4, i, 2, f) not in commented:
                    undocumented.append(f"{message.name}.{field.name}")
    assert not undocumented, f"undocumented in the protos: {undocumented}"
