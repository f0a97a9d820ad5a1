"""A domain sentence is a message id with its values (dates as dates) until a reader's language is known; the app
shows it in Dutch or English through gettext and its one date formatter. Expected words are written out by hand
from the Dutch catalogue and the way each language writes a date."""

from datetime import UTC, date, datetime

from flask import jsonify, render_template_string

from registry.law.holidays import SECOND_CHRISTMAS_DAY
from registry.text import Iso, Joined, Name, Text, _, english, lower, message, ngettext, one_full_stop, one_line

ANNOUNCED = _("Effective date: %(day)s.", day=date(2026, 12, 1))
OPEN = ("%(num)s open objection", "%(num)s open objections")


def test_a_text_keeps_its_message_id_and_its_date_as_a_date():
    assert ANNOUNCED.msgid == "Effective date: %(day)s."
    assert ANNOUNCED.params == {"day": date(2026, 12, 1)} and type(ANNOUNCED.params["day"]) is date


def test_without_a_reader_a_text_is_its_english_message_id_with_iso_dates(monkeypatch):
    # As in a script that never created the app (another test module may have installed the app's renderer).
    monkeypatch.setattr(message, "_renderer", message._english_text)
    monkeypatch.setattr(message, "_language", message._no_reader)
    assert str(ANNOUNCED) == english(ANNOUNCED) == "Effective date: 2026-12-01."
    noon = _("Recorded at %(at)s", at=datetime(2026, 12, 1, 11, 0, tzinfo=UTC))
    assert english(noon) == "Recorded at 2026-12-01 11:00+00:00"


def test_a_text_is_shown_in_the_readers_language_with_the_date_written_out(words):
    assert words(ANNOUNCED, "en") == "Effective date: December 1, 2026."
    assert words(ANNOUNCED, "nl") == "Ingangsdatum: 1 december 2026."


def test_a_moment_is_shown_in_amsterdam_time_with_its_zone(words):
    text = _("Outcome of objection %(ref)s: %(outcome)s", ref="OBJ-1", outcome=datetime(2026, 12, 1, 11, 0, tzinfo=UTC))
    assert words(text, "en") == "Outcome of objection OBJ-1: December 1, 2026, 12:00 CET"
    assert words(text, "nl") == "Uitkomst van bezwaar OBJ-1: 1 december 2026 om 12:00 CET"


def test_a_parameter_named_count_is_a_parameter(words):
    text = _("Keep the note under %(count)s characters.", count="10,000")
    assert text.params == {"count": "10,000"} and text.plural is None
    assert words(text, "nl") == "Houd de toelichting onder 10,000 tekens."


def test_a_label_inside_a_sentence_is_translated_too(words):
    text = _("Outcome of objection %(ref)s: %(outcome)s", ref="OBJ-VCARE-001-00001", outcome=_("Agreement reached"))
    assert english(text) == "Outcome of objection OBJ-VCARE-001-00001: Agreement reached"
    assert words(text, "nl") == "Uitkomst van bezwaar OBJ-VCARE-001-00001: Overeenstemming bereikt"


def test_ngettext_chooses_the_form_by_the_count_in_each_language(words):
    assert english(ngettext(*OPEN, 1)) == "1 open objection"
    assert english(ngettext(*OPEN, 3)) == "3 open objections"
    assert words(ngettext(*OPEN, 1), "nl") == "1 open bezwaar"
    assert words(ngettext(*OPEN, 3), "nl") == "3 open bezwaren"
    assert words(ngettext(*OPEN, 3), "en") == "3 open objections"


def test_sentences_joined_are_each_translated(words):
    state = Joined([_("Withdrawn by the processor"), _("(made after the change took effect)")])
    assert english(state) == "Withdrawn by the processor (made after the change took effect)"
    assert words(state, "nl") == "Ingetrokken door de verwerker (gemaakt nadat de wijziging was ingegaan)"
    tools = Joined([_("Binding corporate rules (GDPR art. 47)"), "SCC"], _(" or "))
    assert words(tools, "en") == "Binding corporate rules (GDPR art. 47) or SCC"
    assert words(tools, "nl").endswith(" of SCC")
    assert not Joined([]) and Joined(["", "x"])


def test_a_name_the_data_holds_is_shown_in_the_readers_language(words):
    rolled = _(
        "The period would have ended on %(day)s (%(reason)s).", day=date(2026, 12, 26), reason=SECOND_CHRISTMAS_DAY
    )
    assert words(rolled, "nl") == "De termijn zou zijn geëindigd op 26 december 2026 (Tweede Kerstdag)."
    assert words(rolled, "en") == "The period would have ended on December 26, 2026 (Second Day of Christmas)."
    assert Name({"en": "Worldwide", "nl": "Wereldwijd"}).in_language("de") == "Worldwide"


def test_styles_apply_after_translation(words):
    decided = _(
        "Your organisation decided on announcement #%(number)s already: %(decision)s (%(ref)s).",
        number=4,
        decision=lower(_("Consent granted")),
        ref="CON-1",
    )
    assert words(decided, "nl") == "Uw organisatie heeft al beslist over aankondiging #4: toestemming verleend (CON-1)."
    assert (
        english(one_full_stop(_("%(processor)s stops using %(target)s.", processor="Vcare", target="Nimbus B.V.")))
        == "Vcare stops using Nimbus B.V."
    )
    assert english(one_line(_("URGENT: %(title)s", title="Acme\nadds  B"))) == "URGENT: Acme adds B"


def test_an_iso_value_is_the_same_in_every_language(words):
    at = _(
        "Outcome of objection %(ref)s: %(outcome)s", ref="OBJ-1", outcome=Iso(datetime(2026, 12, 1, 11, 0, tzinfo=UTC))
    )
    assert words(at, "nl") == "Uitkomst van bezwaar OBJ-1: 2026-12-01 11:00"
    assert words(at, "en") == "Outcome of objection OBJ-1: 2026-12-01 11:00"


def test_texts_with_the_same_message_and_values_are_equal():
    assert _("Effective date: %(day)s.", day=date(2026, 12, 1)) == ANNOUNCED
    assert _("Effective date: %(day)s.", day=date(2026, 12, 2)) != ANNOUNCED
    assert {ANNOUNCED, _("Effective date: %(day)s.", day=date(2026, 12, 1))} == {ANNOUNCED}
    assert Text("x") != "x"


def test_a_template_escapes_a_text_and_its_underscore_shows_a_label(bare_app):
    text = _("Outcome of objection %(ref)s: %(outcome)s", ref="<b>1</b>", outcome=_("Agreement reached"))
    with bare_app.test_request_context(headers={"Accept-Language": "nl"}):
        assert render_template_string("{{ t }}", t=text) == (
            "Uitkomst van bezwaar &lt;b&gt;1&lt;/b&gt;: Overeenstemming bereikt"
        )
        assert render_template_string("{{ _(label)|lower }}", label=_("Consent granted")) == "toestemming verleend"
        assert render_template_string("{{ _('Consent granted') }}") == "Toestemming verleend"


def test_a_json_answer_shows_a_text_in_the_requests_language(bare_app):
    with bare_app.test_request_context(headers={"Accept-Language": "nl"}):
        assert jsonify(message=ANNOUNCED).get_json() == {"message": "Ingangsdatum: 1 december 2026."}
