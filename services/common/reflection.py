"""Server reflection that serves the protos with their comments, so `grpcurl describe` documents."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FileDescriptor
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc
from grpc_reflection.v1alpha._async import ReflectionServicer

DESCRIPTOR_SET = "regsieve_descriptors.binpb"


@cache
def documented_files() -> dict[str, bytes]:
    """FileDescriptorProto bytes (with source info) of the regsieve protos and their imports."""
    data = resources.files("regsieve.v1").joinpath(DESCRIPTOR_SET).read_bytes()
    files = descriptor_pb2.FileDescriptorSet.FromString(data).file
    return {f.name: f.SerializeToString() for f in files}


def _collect(descriptor: FileDescriptor, seen: dict[str, FileDescriptor]) -> None:
    seen[descriptor.name] = descriptor
    for dependency in descriptor.dependencies:
        if dependency.name not in seen:
            _collect(dependency, seen)


class DocumentedReflectionServicer(ReflectionServicer):
    """Answers with the commented descriptors where it has them; method symbols resolve too."""

    def _response(self, descriptor: FileDescriptor, request: Any) -> Any:
        documented = documented_files()
        files: dict[str, FileDescriptor] = {}
        _collect(descriptor, files)
        serialized = []
        for name, file_descriptor in files.items():
            if name in documented:
                serialized.append(documented[name])
            else:
                proto = descriptor_pb2.FileDescriptorProto()
                file_descriptor.CopyToProto(proto)
                serialized.append(proto.SerializeToString())
        return reflection_pb2.ServerReflectionResponse(
            file_descriptor_response=reflection_pb2.FileDescriptorResponse(
                file_descriptor_proto=serialized
            ),
            original_request=request,
        )

    def _file_by_filename(self, request: Any, filename: str) -> Any:
        try:
            descriptor = self._pool.FindFileByName(filename)
        except KeyError:
            return super()._file_by_filename(request, filename)
        return self._response(descriptor, request)

    def _file_containing_symbol(self, request: Any, fully_qualified_name: str) -> Any:
        pool: descriptor_pool.DescriptorPool = self._pool
        for name in (fully_qualified_name, fully_qualified_name.rpartition(".")[0]):
            try:
                descriptor = pool.FindFileContainingSymbol(name)
            except KeyError:
                continue
            return self._response(descriptor, request)
        return super()._file_containing_symbol(request, fully_qualified_name)


def enable_reflection(service_names: Iterable[str], server: grpc.aio.Server) -> None:
    names = [*service_names, reflection.SERVICE_NAME]
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(
        DocumentedReflectionServicer(names), server
    )
