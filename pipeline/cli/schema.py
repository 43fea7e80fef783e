"""`trialfacts schema`: the JSON Schema of an output line."""

from __future__ import annotations

import json

from .common import EXIT_OK


def run_schema(args) -> int:
    from ..records.models import output_json_schema

    print(json.dumps(output_json_schema(), indent=2))
    return EXIT_OK
