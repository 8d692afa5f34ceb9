"""Engines: one small interface per task, one module per backend, imported only when chosen."""
