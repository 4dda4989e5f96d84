"""Tenants: isolated worlds on one server (docs/tenants.md)."""
