"""Rules service: which images get pulled, and why."""
