"""Conversions for the converted engines: `store` (where they live, their metadata, the staged
write) is all an engine imports; each runtime's writer is imported by name, from the engine table,
only while converting."""
