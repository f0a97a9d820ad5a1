"""The JSON Schemas (2020-12) of what the API returns and takes, each versioned by name (registry-1,
registry-version-1, announcement-1): published at /api/v1/schemas/<name>-<n>.json and referenced from the OpenAPI
document's components. A change of a document's fields gets a new number; the old schema stays published."""

from __future__ import annotations

import copy

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DAY = {"type": "string", "format": "date"}
DAY_OR_NULL = {"type": ["string", "null"], "format": "date"}
TEXT_OR_NULL = {"type": ["string", "null"]}
YES_NO = {"type": ["boolean", "null"]}
INSTANT = {"type": "string", "format": "date-time", "pattern": "Z$"}


def _object(properties: dict, optional: tuple = (), required: tuple | None = None) -> dict:
    """An object whose properties are all required but the `optional` ones (or only the `required` ones)."""
    names = [name for name in properties if name not in optional] if required is None else list(required)
    return {"type": "object", "properties": properties, "required": names}


def _term(value: dict | None = None) -> dict:
    return _object({"value": value or {}, "article": TEXT_OR_NULL, "text": TEXT_OR_NULL})


_LOCATION = _object(
    {
        "country": TEXT_OR_NULL,
        "country_name": TEXT_OR_NULL,
        "worldwide": {"type": "boolean"},
        "place": TEXT_OR_NULL,
        "role": TEXT_OR_NULL,
        "outside_eea": YES_NO,
        "transfer_basis": TEXT_OR_NULL,
        "transfer_basis_valid": YES_NO,
        "transfer_basis_problem": TEXT_OR_NULL,
        "source": TEXT_OR_NULL,
    }
)
_SUB_PROCESSOR = _object(
    {
        "key": {"type": "string"},
        "name": {"type": "string"},
        "legal_name": TEXT_OR_NULL,
        "identified": {"type": "boolean"},
        "established_in": TEXT_OR_NULL,
        "description": TEXT_OR_NULL,
        "outside_eea": YES_NO,
        "outside_eea_stated_in_annex": YES_NO,
        "dpa_in_place": YES_NO,
        "dpa_source": TEXT_OR_NULL,
        "note": TEXT_OR_NULL,
        "source": TEXT_OR_NULL,
        "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
        "parent": {"oneOf": [{"type": "null"}, _object({"key": {"type": "string"}, "name": {"type": "string"}})]},
        "sub_processors": {"type": "array", "items": {"$ref": "#/$defs/sub_processor"}},
        "engaged_from": DAY,
        "engaged_until": DAY_OR_NULL,
        "engagement_source": TEXT_OR_NULL,
    },
    optional=("engaged_from", "engaged_until", "engagement_source"),  # only down the chain
)
_SUMMARY = {
    "slug": {"type": "string", "pattern": "^[a-z0-9-]+$"},
    "name": {"type": "string"},
    "legal_name": TEXT_OR_NULL,
    "url": {"type": "string", "format": "uri"},
    "api_url": {"type": "string", "format": "uri"},
}
_TERMS = _object(
    {
        "version": {"type": ["string", "integer", "null"]},
        "effective_from": DAY,
        "source_document": TEXT_OR_NULL,
        "authorisation": _term(),
        "notice_period_days": {**_term(), "properties": {**_term()["properties"], "source": {}}},
        "objection_route": _term(),
        "objection_period_days": _term(),
        "consent_not_unreasonably_withheld": _term(),
        "termination": _object(
            {"allowed": YES_NO, "period_months": {"type": ["integer", "null"]}, "article": {}, "text": {}}
        ),
        "transfer_rule": _term(),
        "named_transfer_bases": {"type": "array"},
        "sub_processor_list": _term(),
    }
)

REGISTRY = {
    "title": "A processor's registry of sub-processors on one day (GET /api/v1/processors/{slug})",
    "$defs": {"location": _LOCATION, "sub_processor": _SUB_PROCESSOR, "summary": _object(_SUMMARY)},
    **_object(
        {
            **_SUMMARY,
            "registry_date": DAY,
            "listed_since": DAY,
            "sub_processor_list": _object({"publication": TEXT_OR_NULL, "note": TEXT_OR_NULL}),
            "address": TEXT_OR_NULL,
            "kvk_number": TEXT_OR_NULL,
            "source_document": TEXT_OR_NULL,
            "contract_terms": {"oneOf": [{"type": "null"}, _TERMS]},
            "services": {
                "type": "array",
                "items": _object(
                    {
                        "key": {"type": "string"},
                        "name": {"type": "string"},
                        "description": TEXT_OR_NULL,
                        "data_categories": {},
                        "data_subjects": {},
                        "purposes": {},
                        "retention": {},
                        "source": TEXT_OR_NULL,
                        "engagements": {
                            "type": "array",
                            "items": _object(
                                {
                                    "purpose": TEXT_OR_NULL,
                                    "source": TEXT_OR_NULL,
                                    "engaged_from": DAY,
                                    "engaged_until": DAY_OR_NULL,
                                    "sub_processor": {"$ref": "#/$defs/sub_processor"},
                                }
                            ),
                        },
                    }
                ),
            },
        }
    ),
}

_VERSION_LOCATION = _object(
    {
        "country": TEXT_OR_NULL,
        "place": TEXT_OR_NULL,
        "role": TEXT_OR_NULL,
        "outside_eea": YES_NO,
        "transfer_basis": TEXT_OR_NULL,
        "source": TEXT_OR_NULL,
    }
)
_VERSION_SUB_PROCESSOR = _object(
    {
        "key": {"type": "string"},
        "name": {"type": "string"},
        "legal_name": TEXT_OR_NULL,
        "established_in": TEXT_OR_NULL,
        "purpose": TEXT_OR_NULL,
        "engaged_from": DAY,
        "engaged_until": DAY_OR_NULL,
        "source": TEXT_OR_NULL,
        "dpa_in_place": YES_NO,
        "outside_eea": YES_NO,
        "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
        "sub_processors": {"type": "array", "items": {"$ref": "#/$defs/sub_processor"}},
    }
)
REGISTRY_VERSION = {
    "title": "A published registry version, as signed (GET /api/v1/processors/{slug}/versions/{number}.json)",
    "description": "Canonical JSON (RFC 8785); the detached Ed25519 signature is at the same URL with .sig appended.",
    "$defs": {"location": _VERSION_LOCATION, "sub_processor": _VERSION_SUB_PROCESSOR},
    **_object(
        {
            "schema": {"const": "subprocessor-registry/registry-version/1"},
            "processor": _object(
                {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "legal_name": TEXT_OR_NULL,
                    "kvk_number": TEXT_OR_NULL,
                    "address": TEXT_OR_NULL,
                }
            ),
            "version": {"type": "integer", "minimum": 1},
            "event": {"type": "string", "examples": ["publication", "withdrawal"]},
            "announcement": {"type": ["integer", "null"]},
            "effective_date": DAY,
            "published_at": INSTANT,
            "contract_terms": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "version": {"type": ["string", "integer", "null"]},
                            "effective_from": DAY,
                            "source_document": TEXT_OR_NULL,
                            "sub_processor_list": _object({"article": TEXT_OR_NULL, "text": TEXT_OR_NULL}),
                        }
                    ),
                ]
            },
            "services": {
                "type": "array",
                "items": _object(
                    {
                        "key": {"type": "string"},
                        "name": {"type": "string"},
                        "sub_processors": {"type": "array", "items": {"$ref": "#/$defs/sub_processor"}},
                    }
                ),
            },
        }
    ),
    "additionalProperties": False,
}

ANNOUNCEMENT = {
    "title": "An announced change of sub-processors, as a draft is written and as it is published",
    "$defs": {"location": _object({"country": {"type": "string"}, "place": TEXT_OR_NULL}, optional=("place",))},
    **_object(
        {
            "number": {"type": "integer", "minimum": 1},
            "kind": {"type": "string"},
            "status": {"enum": ["draft", "published", "withdrawn"]},
            "service": {"type": "string", "description": "the service's key"},
            "sub_processor": TEXT_OR_NULL,
            "name": TEXT_OR_NULL,
            "legal_name": TEXT_OR_NULL,
            "established_in": TEXT_OR_NULL,
            "description": TEXT_OR_NULL,
            "dpa_in_place": YES_NO,
            "purpose": TEXT_OR_NULL,
            "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
            "reason": {"type": "string"},
            "effective_date": DAY,
            "urgent": {"type": "boolean"},
            "urgency_justification": TEXT_OR_NULL,
            "published_at": {"type": ["string", "null"], "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
        },
        required=("kind", "service", "reason", "effective_date"),
    ),
}

# name -> {version: schema}; the version documents' `schema` field names "subprocessor-registry/<name>/<version>".
SCHEMAS = {"registry": {1: REGISTRY}, "registry-version": {1: REGISTRY_VERSION}, "announcement": {1: ANNOUNCEMENT}}


def published(name: str, version: int, url: str) -> dict:
    """The schema as published at its URL: its $id is that URL."""
    return {"$schema": DIALECT, "$id": url, **copy.deepcopy(SCHEMAS[name][version])}


def component_name(name: str, version: int, part: str | None = None) -> str:
    base = "".join(word.capitalize() for word in name.split("-")) + str(version)
    return base if part is None else f"{base}_{part}"


def components() -> dict[str, dict]:
    """Every schema as OpenAPI components: its $defs become components of their own, referred to by name."""
    found = {}
    for name, versions in SCHEMAS.items():
        for version, schema in versions.items():
            schema = copy.deepcopy(schema)
            prefix = f"#/components/schemas/{component_name(name, version)}_"
            for part, sub in schema.pop("$defs", {}).items():
                found[component_name(name, version, part)] = _rewrite(sub, prefix)
            found[component_name(name, version)] = _rewrite(schema, prefix)
    return found


def _rewrite(node, prefix: str):
    if isinstance(node, dict):
        return {
            key: (value.replace("#/$defs/", prefix) if key == "$ref" else _rewrite(value, prefix))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(item, prefix) for item in node]
    return node


ERROR = _object({"error": {"type": "string"}, "message": {"type": "string"}})
URL = {"type": "string", "format": "uri"}
VERSION_LIST = _object(
    {
        "processor": {"type": "string"},
        "schema": {"type": "string"},
        "versions": {
            "type": "array",
            "items": _object(
                {
                    "number": {"type": "integer", "minimum": 1},
                    "event": {"type": "string"},
                    "effective_date": DAY,
                    "published_at": INSTANT,
                    "withdrawn_in": {"type": ["integer", "null"]},
                    "url": URL,
                    "signature_url": URL,
                }
            ),
        },
    }
)
# Schemas of the OpenAPI document alone (not published as JSON Schemas of their own).
OPENAPI_ONLY = {"Error": ERROR, "VersionList": VERSION_LIST}
