"""The rule language: pack files (schema), and their loading, checking and compilation."""

from compliance.language.compile import (
    CompiledRule,
    Pack,
    ResolvedParameter,
    ladders_of,
    load_pack,
    load_packs,
    parse_override,
)

__all__ = ["CompiledRule", "Pack", "ResolvedParameter", "ladders_of", "load_pack", "load_packs", "parse_override"]
