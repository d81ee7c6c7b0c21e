"""Adapters of the goals service: SQL."""
