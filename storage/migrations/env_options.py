"""Options shared by the migration environment and the models-versus-database check."""

from __future__ import annotations

from typing import Any

from storage.models import UTCDateTime


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not import the models (they change); UTCDateTime is a plain column.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def comparison_options() -> dict[str, Any]:
    """How autogenerate compares and renders."""
    return {"compare_type": True, "render_as_batch": True, "render_item": _render_item}
