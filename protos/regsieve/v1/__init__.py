"""regsieve.v1: generated protobuf messages and gRPC stubs (do not edit the *_pb2 files)."""
