"""Shared code of all services: config, logging, errors, server bootstrap, db, NATS, OCI client."""
