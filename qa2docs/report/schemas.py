"""JSON Schema export of the document models (``qa2docs schema``)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from qa2docs.fileio import write_atomically
from qa2docs.models import EBChecklist, Project, ReadmeHeader, SBChecklist


def schema_models() -> dict[str, type[BaseModel]]:
    """File stem -> model, for every published schema."""
    models: dict[str, type[BaseModel]] = {
        "eb_checklist": EBChecklist, "sb_checklist": SBChecklist,
        "readme_header": ReadmeHeader, "project": Project,
    }
    try:
        from qa2docs.validate.run import ValidationReport
    except ImportError:  # the validation stage is optional in a partial checkout
        pass
    else:
        models["validate_report"] = ValidationReport
    return models


def schema_texts() -> dict[str, str]:
    """File name -> JSON text of each schema (stable: sorted keys, trailing newline)."""
    out = {}
    for stem, model in schema_models().items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"qa2docs/{stem}.schema.json"
        out[f"{stem}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into *directory*; returns the paths written."""
    paths = []
    for name, text in schema_texts().items():
        path = directory / name
        write_atomically(path, text)
        paths.append(path)
    return paths
