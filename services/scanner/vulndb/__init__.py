"""Vulnerability database in OSV format: parsing, loading, import planning and matching."""
