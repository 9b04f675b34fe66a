"""Unit tests of the webhook gateway's pure parts: parsers, events and authentication."""
