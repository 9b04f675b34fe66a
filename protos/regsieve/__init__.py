"""regsieve public API package: generated protobuf and gRPC stubs live in regsieve.v1."""
