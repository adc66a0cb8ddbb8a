"""The JSON Schema (draft-07) of `[tool.aiguard]` and `aiguard.toml`, built from config.SETTINGS.

`aiguard schema` prints it, ready for SchemaStore. It is generated from the same table
`parse_table` checks against, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from aiguard.config import FAIL_ON_NEVER, ID_PATTERN, LEVELS, SETTINGS

SCHEMA_ID = "https://json.schemastore.org/aiguard.json"
_ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
_KINDS: dict[str, dict[str, Any]] = {
    "ids": {"type": "array", "items": _ID},
    "strings": {"type": "array", "items": {"type": "string"}},
    "ids-by-glob": {"type": "object", "additionalProperties": {"type": "array", "items": _ID}},
    "level-by-id": {
        "type": "object",
        "propertyNames": _ID,
        "additionalProperties": {"enum": list(LEVELS)},
    },
    "fail-on": {"enum": [*LEVELS, FAIL_ON_NEVER]},
    "path": {"type": "string"},
    "bool": {"type": "boolean"},
}


def schema() -> dict[str, Any]:
    properties = {}
    for key, setting in SETTINGS.items():
        description = setting.description
        if setting.root_only:
            description += " Only in the repository's root config."
        properties[key] = {**_KINDS[setting.kind], "description": description}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "aiguard",
        "description": (
            "Configuration of aiguard, the governance linter for AI-assisted changes: the top "
            "level of aiguard.toml, or [tool.aiguard] in pyproject.toml. A config file in a "
            "subfolder governs the files under it (the nearest one wins)."
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
