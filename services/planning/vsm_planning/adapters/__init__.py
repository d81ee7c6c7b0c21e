"""Adapters of the planning service: SQL."""
