"""An uploaded spreadsheet, carried from its preview to its confirmation in the form itself: compressed, signed
for this processor and this account, valid for an hour. Nothing is stored before the editor confirms, and any
worker can take the confirmation (no file left on one machine's disk). An import's request may be larger than the
site's MAX_CONTENT_LENGTH: its own limit is set before anything reads the body."""

from __future__ import annotations

import base64
import re
import zlib

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from registry.exceptions import DomainError
from registry.models import Processor
from registry.web.admin import bp

CARRIED_SECONDS = 3600


def _serializer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"import-{kind}")


def file_name(upload: FileStorage | None) -> str:
    """The uploaded file's own name, without any folder, control characters or more than 200 characters."""
    name = (upload.filename if upload is not None else "") or ""
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", name).strip()
    return name[:200] or "upload"


def uploaded(upload: FileStorage | None) -> tuple[str, bytes]:
    """The name and bytes of an uploaded file; a clear error when none was chosen."""
    if upload is None or not upload.filename:
        raise DomainError(_("Choose a CSV or XLSX file."), "file")
    return file_name(upload), upload.read()


def carry(kind: str, processor: Processor, filename: str, data: bytes) -> str:
    """The token a preview's confirm form carries: which file, for whom, to import into which processor."""
    packed = base64.urlsafe_b64encode(zlib.compress(data, 6)).decode()
    return _serializer(kind).dumps(
        {"processor": processor.id, "user": current_user.id, "name": filename, "data": packed}
    )


def carried(kind: str, processor: Processor, token: str) -> tuple[str, bytes]:
    """The file a confirm form carries back; refused when it is older than an hour, altered, or not this
    account's upload for this processor."""
    try:
        value = _serializer(kind).loads(token or "", max_age=CARRIED_SECONDS)
    except SignatureExpired as error:
        raise DomainError(_("The preview is more than an hour old. Upload the file again.")) from error
    except BadSignature as error:
        raise DomainError(_("The preview cannot be confirmed. Upload the file again.")) from error
    if value.get("processor") != processor.id or value.get("user") != current_user.id:
        raise DomainError(_("The preview cannot be confirmed. Upload the file again."))
    return value["name"], zlib.decompress(base64.urlsafe_b64decode(value["data"]))


# The largest file an import takes (a list of 10,000 rows is about 1.5 MB as CSV); the confirmation carries it
# compressed and in base64, which a workbook (already compressed) makes a third larger.
FILE_LIMIT = 4 * 1024 * 1024
CONFIRM_LIMIT = FILE_LIMIT * 3 // 2 + 64 * 1024
LIMITS = {
    "admin.preview_import": FILE_LIMIT,
    "admin.confirm_import": CONFIRM_LIMIT,
    "admin.contract_import": FILE_LIMIT,
    "admin.confirm_contract_import": CONFIRM_LIMIT,
    # A logo is refused above 200 KB (registry.subprocessors.branding) with its own message: let it get there.
    "admin.edit_face": 1024 * 1024,
}


def too_large() -> None:
    abort(
        413,
        description=_(
            "The file is larger than %(limit)s MB, the most an import takes. Split the list into smaller "
            "files, or save it as CSV (smaller than a workbook), and upload each.",
            limit=FILE_LIMIT // (1024 * 1024),
        ),
    )


def import_limit() -> None:
    """Before anything reads the body (the CSRF check does, first of all): an import takes a larger body than the
    site's limit, and one larger still is refused with a page that says what to do."""
    limit = LIMITS.get(request.endpoint or "")
    if limit is None:
        return
    request.max_content_length = max(limit, current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    if (request.content_length or 0) > request.max_content_length:
        too_large()


def read_form(form_class):
    """The form of an import's request; a body without its length said beforehand, found too large while read,
    gets the same page."""
    try:
        return form_class()
    except RequestEntityTooLarge:
        too_large()


@bp.record_once
def _first_of_all(state) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, import_limit)
