"""Mappings that ship with the engine (TOML), found by name via continuum.analysis.mapping.shipped_mappings."""
