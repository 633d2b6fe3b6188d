"""Continuum's analysis engine: standard schemas, mappings, validation and analyses. No Django here."""

ENGINE_VERSION = "0.1.0"
