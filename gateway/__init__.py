"""Webhook gateway: registry notifications verified, normalised and queued on NATS."""
