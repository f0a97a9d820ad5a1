"""The write API of a processor's announcements, for its CI: `Authorization: Bearer spr_…` (a token made at
/admin/processors/<slug>/tokens/), JSON in and out, the same services and rules as the editor's form.

The cookie session plays no part: these views are @cookieless (they never read the session, so a logged-in
browser is no one here) and exempt from the form CSRF check for that reason only: a request without a token is
401, whatever cookies it carries. A POST with an `Idempotency-Key` header is done once per token and key: the same
request again gets the kept answer; the same key with another request is 422, a twin still being answered 409."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, jsonify, request, url_for
from flask_limiter.util import get_remote_address

from registry.accounts import api_tokens
from registry.accounts.api_tokens import InProgress, ScopeRefused, TokenRefused
from registry.announcements import by_keys, publication
from registry.announcements.drafting import get_announcement, save_draft
from registry.announcements.reading import announcements_of
from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import csrf, db, limiter
from registry.models import Announcement, Processor
from registry.subprocessors.snapshot import today
from registry.web.api import bp, schemas_write
from registry.web.apidoc import N_, documented, json_response
from registry.web.cookieless import cookieless


def _error(status: int, error: str, exc: DomainError):
    body = {"error": error, "message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def with_token(scope: str) -> Callable:
    """Authenticate the bearer token (401), check it is the URL's processor's (404) and has the scope (403); the
    view gets the processor; errors of the domain become JSON answers (422 for a broken rule)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(slug: str, **kwargs):
            header = request.headers.get("Authorization", "")
            secret = header[7:].strip() if header[:7].lower() == "bearer " else None
            try:
                token = api_tokens.authenticate(secret)
                processor = api_tokens.require(token, scope, slug)
                g.api_token = token
                with trail.acting_with({"id": token.id, "name": token.name, "prefix": token.prefix}):
                    return view(processor, **kwargs)
            except TokenRefused as exc:
                return _error(401, "Unauthorized", exc)
            except ScopeRefused as exc:
                return _error(403, "Forbidden", exc)
            except NotFound as exc:
                return _error(404, "Not Found", exc)
            except InProgress as exc:
                return _error(409, "Conflict", exc)
            except DomainError as exc:
                return _error(422, "Unprocessable Content", exc)

        # Per client address, valid token or not: guessing tokens and a runaway job are both slowed down.
        limited = limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=get_remote_address)(wrapped)
        return cookieless(csrf.exempt(limited))

    return decorate


def once(view: Callable) -> Callable:
    """Idempotency-Key: the key is taken before the request is done (a twin at the same moment gets 409), the
    answer kept after; the kept answer for a repeated request; 422 for the key with another request. A request that
    fails gives the key back."""

    @wraps(view)
    def wrapped(processor: Processor, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(processor, **kwargs)
        token = g.api_token
        print_ = api_tokens.fingerprint(request.method, request.path, request.get_data())
        kept = api_tokens.claim(token, key, print_)
        if kept is not None:
            response = jsonify(kept.body)
            response.status_code = kept.status
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            body, status = view(processor, **kwargs)
        except Exception:
            api_tokens.release(token, key)
            raise
        api_tokens.finish(token, key, status, body)
        return jsonify(body), status

    return wrapped


# The OpenAPI operations of the write API (registry/web/apidoc.py builds the document from them): every answer
# without a valid token is 401 with a JSON error, whatever else is wrong with the request.
_TOKEN = [{"token": []}]
_IDEMPOTENCY = (
    {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": N_("Any text up to 200 characters: a POST retried with the same key does nothing twice."),
        "schema": {"type": "string", "maxLength": 200},
    },
)


def _refusals(*codes: str) -> dict:
    words = {
        "401": N_("No token, or an unknown, expired or revoked one."),
        "403": N_("The token lacks the scope."),
        "404": N_("No such processor or announcement for this token."),
        "409": N_("The same Idempotency-Key is being answered by another request."),
        "422": N_("A rule refused it (the form's message), or the Idempotency-Key was used with another body."),
        "429": N_("Too many requests from this address in a short time (API_RATE_LIMIT)."),
    }
    return {code: json_response(words[code], schemas_write.ERROR) for code in codes}


def _as_dict(processor: Processor, item: Announcement) -> dict:
    data = {
        "id": item.id,
        "number": item.number,
        "status": item.status,
        "kind": item.kind,
        "services": [s.key for s in item.services],
        "reason": item.reason,
        "effective_date": item.effective_date.isoformat(),
        "urgent": item.urgent,
        "preview_url": url_for("api.announcement_preview", slug=processor.slug, announcement_id=item.id),
    }
    if item.is_draft:
        data["publish_url"] = url_for("api.announcement_publish", slug=processor.slug, announcement_id=item.id)
    else:
        data["public_url"] = url_for("public.announcement", slug=processor.slug, number=item.number)
    return data


def _announcement(processor: Processor, announcement_id: int) -> Announcement:
    return get_announcement(processor, announcement_id)


@bp.get("/processors/<slug>/announcements")
@documented(
    N_("Every announcement of the processor, drafts included (token scope read)."),
    {
        "200": json_response(N_("The announcements."), schemas_write.LIST_RESPONSE),
        **_refusals("401", "403", "404", "429"),
    },
    security=_TOKEN,
)
@with_token("read")
def announcement_list(processor: Processor):
    """Every announcement of the processor, drafts and withdrawn ones too, highest number first (scope read)."""
    return jsonify(announcements=[_as_dict(processor, a) for a in announcements_of(processor)])


@bp.post("/processors/<slug>/announcements")
@documented(
    N_("Create a draft announcement from the form's fields (token scope draft); the answer previews its notices."),
    {
        "201": json_response(N_("The draft and its notices."), schemas_write.PREVIEW_RESPONSE),
        **_refusals("401", "403", "404", "409", "422", "429"),
    },
    _IDEMPOTENCY,
    method="post",
    requestBody={"required": True, "content": {"application/json": {"schema": schemas_write.DRAFT_REQUEST}}},
    security=_TOKEN,
)
@with_token("draft")
@once
def announcement_create(processor: Processor):
    """Create a draft (scope draft) from a JSON object with the form's fields: kind, services (keys), parent,
    target and entity (sub-processor keys or names), new_name, new_legal_name, new_established_in,
    new_description, new_dpa_in_place (boolean), purpose, locations [{country, place, role, transfer_basis}],
    reason, effective_date (YYYY-MM-DD), urgent, urgency_justification. 201 with the draft and its preview; a
    broken rule is 422 with the form's message."""
    body = request.get_json(silent=True)
    values = by_keys.values_from(processor, body)
    item = save_draft(api_tokens.actor_of(g.api_token), processor, None, values)
    return {"announcement": _as_dict(processor, item), "notices": by_keys.preview(processor, item, today())}, 201


@bp.get("/processors/<slug>/announcements/<int:announcement_id>/preview")
@documented(
    N_("An announcement and, for a draft, which contracts get which notice if it were published today (scope read)."),
    {
        "200": json_response(N_("The announcement and its notices."), schemas_write.PREVIEW_RESPONSE),
        **_refusals("401", "403", "404", "429"),
    },
    security=_TOKEN,
)
@with_token("read")
def announcement_preview(processor: Processor, announcement_id: int):
    """The announcement and, for a draft, which contracts get which notice (period, deadlines) if published today."""
    item = _announcement(processor, announcement_id)
    notices = by_keys.preview(processor, item, today()) if item.is_draft else []
    return jsonify(announcement=_as_dict(processor, item), notices=notices)


@bp.post("/processors/<slug>/announcements/<int:announcement_id>/publish")
@documented(
    N_("Publish a draft, checked again by the rules (token scope publish)."),
    {
        "200": json_response(N_("The announcement and the registry version it made."), schemas_write.PUBLISH_RESPONSE),
        **_refusals("401", "403", "404", "409", "422", "429"),
    },
    _IDEMPOTENCY,
    method="post",
    security=_TOKEN,
)
@with_token("publish")
@once
def announcement_publish(processor: Processor, announcement_id: int):
    """Publish a draft (scope publish), checked again by the rules; 200 with the announcement and the registry
    version it made; 422 with the form's message when a rule refuses it (e.g. it became too early)."""
    item = _announcement(processor, announcement_id)
    version = publication.publish(api_tokens.actor_of(g.api_token), processor, item.id)
    db.session.expire_all()
    item = _announcement(processor, announcement_id)
    return {"announcement": _as_dict(processor, item), "registry_version": version.number}, 200
