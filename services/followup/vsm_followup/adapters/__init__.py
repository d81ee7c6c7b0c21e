"""Adapters of the followup service: SQL."""
