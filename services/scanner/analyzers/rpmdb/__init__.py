"""Readers for the three RPM database formats and the header blobs they store (pure Python)."""
