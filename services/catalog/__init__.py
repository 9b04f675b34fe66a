"""Catalog service: registries and the inventory of their images."""
