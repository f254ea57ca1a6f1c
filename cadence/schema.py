"""The scenario format as JSON Schema, for editors that validate YAML as it is typed."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from cadence.scenario import Scenario


def scenario_schema() -> dict[str, Any]:
    schema = TypeAdapter(Scenario).json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "cadence scenario",
    }


def schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
