"""JSON Schemas (draft 2020-12, plain dicts) of the write API's bodies and answers (registry/web/api/write.py), for
the OpenAPI document to name. Nothing here checks a request: the domain's rules do, with the form's messages."""

from __future__ import annotations

SCOPES = ["read", "draft", "publish"]

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "examples": ["Unauthorized", "Forbidden", "Not Found", "Unprocessable Content"]},
        "message": {"type": "string", "description": "What is wrong, in the words the form uses."},
        "field": {"type": "string", "description": "The field the message is about, where it is one."},
    },
}

LOCATION = {
    "type": "object",
    "properties": {
        "country": {"type": ["string", "null"], "description": "ISO 3166-1 alpha-2; null or WORLD for worldwide."},
        "place": {"type": ["string", "null"]},
        "role": {"type": "string", "enum": ["processing", "back-up"]},
        "transfer_basis": {"type": ["string", "null"], "description": "Outside the EEA: adequacy, scc, bcr, dpf …"},
    },
}

DRAFT_REQUEST = {
    "type": "object",
    "required": ["kind", "services", "reason", "effective_date"],
    "properties": {
        "kind": {"type": "string", "enum": ["add", "replace", "remove", "change_locations"]},
        "services": {"type": "array", "items": {"type": "string"}, "description": "Keys of the processor's services."},
        "parent": {"type": ["string", "null"], "description": "Down the chain: the sub-processor (key or name)."},
        "target": {"type": ["string", "null"], "description": "The sub-processor replaced, removed or moved."},
        "entity": {"type": ["string", "null"], "description": "An existing sub-processor to engage (key or name)."},
        "new_name": {"type": "string"},
        "new_legal_name": {"type": "string"},
        "new_established_in": {"type": ["string", "null"]},
        "new_description": {"type": "string"},
        "new_dpa_in_place": {"type": ["boolean", "null"]},
        "purpose": {"type": "string"},
        "locations": {"type": "array", "items": LOCATION},
        "reason": {"type": "string"},
        "effective_date": {"type": "string", "format": "date"},
        "urgent": {"type": "boolean"},
        "urgency_justification": {"type": "string"},
    },
}

ANNOUNCEMENT = {
    "type": "object",
    "required": ["id", "number", "status", "kind", "services", "reason", "effective_date", "urgent", "preview_url"],
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
        "kind": {"type": "string"},
        "services": {"type": "array", "items": {"type": "string"}},
        "reason": {"type": "string"},
        "effective_date": {"type": "string", "format": "date"},
        "urgent": {"type": "boolean"},
        "preview_url": {"type": "string"},
        "publish_url": {"type": "string"},
        "public_url": {"type": "string"},
    },
}

NOTICE = {
    "type": "object",
    "properties": {
        "contract": {"type": ["string", "null"]},
        "label": {"type": "string"},
        "notice_days": {"type": "integer"},
        "notice_ends": {"type": "string", "format": "date"},
        "earliest_effective": {"type": "string", "format": "date"},
        "objection_deadline": {"type": ["string", "null"], "format": "date"},
        "consent_needed": {"type": "boolean"},
    },
}

LIST_RESPONSE = {"type": "object", "properties": {"announcements": {"type": "array", "items": ANNOUNCEMENT}}}
PREVIEW_RESPONSE = {
    "type": "object",
    "properties": {"announcement": ANNOUNCEMENT, "notices": {"type": "array", "items": NOTICE}},
}
PUBLISH_RESPONSE = {
    "type": "object",
    "properties": {"announcement": ANNOUNCEMENT, "registry_version": {"type": "integer"}},
}

# Per endpoint: the scope it needs, the request body and the answers (status → schema).
ENDPOINTS = {
    "api.announcement_list": {"scope": "read", "responses": {200: LIST_RESPONSE}},
    "api.announcement_create": {
        "scope": "draft",
        "request": DRAFT_REQUEST,
        "responses": {201: PREVIEW_RESPONSE, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 422: ERROR},
    },
    "api.announcement_preview": {"scope": "read", "responses": {200: PREVIEW_RESPONSE, 404: ERROR}},
    "api.announcement_publish": {
        "scope": "publish",
        "responses": {200: PUBLISH_RESPONSE, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 422: ERROR},
    },
}
HEADERS = {
    "Authorization": "Bearer spr_… (a token made at /admin/processors/<slug>/tokens/)",
    "Idempotency-Key": "On POSTs, up to 200 characters: the same request again gets the kept answer.",
}
