"""`regsieve vulndb import|status`: the vulnerability database through the Scanner's API."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import grpc
from google.protobuf.json_format import MessageToDict

from regsieve.v1 import scanner_pb2 as pb
from regsieve.v1 import scanner_pb2_grpc
from services.common.config import SCANNER_TARGET


def _target() -> str:
    return os.environ.get(SCANNER_TARGET.name) or str(SCANNER_TARGET.default)


def import_request(source: str) -> pb.ImportVulnerabilitiesRequest:
    if source.startswith(("http://", "https://")):
        return pb.ImportVulnerabilitiesRequest(url=source)
    path = Path(source).resolve()
    if path.is_dir():
        return pb.ImportVulnerabilitiesRequest(directory=str(path))
    return pb.ImportVulnerabilitiesRequest(zip_path=str(path))


async def _import(request: pb.ImportVulnerabilitiesRequest, timeout: float) -> dict[str, object]:
    async with grpc.aio.insecure_channel(_target()) as channel:
        reply = await scanner_pb2_grpc.ScannerServiceStub(channel).ImportVulnerabilities(
            request, timeout=timeout
        )
    return MessageToDict(getattr(reply, "import"), preserving_proto_field_name=True)


async def _status() -> dict[str, object]:
    async with grpc.aio.insecure_channel(_target()) as channel:
        reply = await scanner_pb2_grpc.ScannerServiceStub(channel).GetDatabaseStatus(
            pb.GetDatabaseStatusRequest(), timeout=30
        )
    return MessageToDict(reply, preserving_proto_field_name=True)


def run_vulndb(action: str, source: str, timeout: float) -> int:
    try:
        if action == "import":
            result = asyncio.run(_import(import_request(source), timeout))
        else:
            result = asyncio.run(_status())
    except grpc.RpcError as exc:
        print(f"regsieve vulndb {action}: {exc.code().name}: {exc.details()}")
        return 1
    print(json.dumps(result, indent=2))
    return 0
