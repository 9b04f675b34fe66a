"""regsieve services: one package per gRPC service plus the shared common package."""
