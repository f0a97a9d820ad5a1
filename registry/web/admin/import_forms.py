"""Forms of the import of a processor's list: the file to preview, and the confirmation that carries it."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField

from registry.web.forms import PlainTextForm


class ImportForm(PlainTextForm):
    file = FileField(
        _l("The list of sub-processors (CSV or XLSX)"),
        description=_l(
            "One row per service and sub-processor, with one location each, under the template's headers in English "
            "or Dutch. CSV in UTF-8 (comma or semicolon, as Excel saves 'CSV UTF-8') or an Excel workbook (.xlsx)."
        ),
    )


class ConfirmImportForm(PlainTextForm):
    carried = HiddenField()
    fingerprint = HiddenField()
