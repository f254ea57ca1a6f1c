"""Exporters: pure functions from a plan to files' contents. Only the CLI writes files."""
