"""Property-based, like test_random_registry.py: the import of a processor's list. The upload is fuzzed in its file
(CSV with either delimiter, or XLSX; mostly valid rows, some with one hostile cell, some files that cannot be read
at all) and the confirmation in what it carries. Never a 5xx; a file with a problem is shown with it and nothing is
stored; a valid file gets its confirm form, and a valid confirmation records the import once."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.extensions import db
from registry.imports import registry_apply
from registry.models import AuditEntry, Engagement, Service, SubProcessor, User

from .fuzz import EXAMPLES, INERT, Spy, Tally, isolated
from .imports import DUTCH, ENGLISH, confirm_fields, new_processor, upload, xlsx
from .seeded import backend, count

NAMES = ["Alpha Cloud", "Beta B.V.", "Zürich Data AG", "O'Brien & Zn", "Données SAS"]
COUNTRIES = ["NL", "Nederland", "Duitsland", "DE", "Ierland", "Belgium", "be", "NLD"]
# One cell made wrong: (column, value); each is a problem the preview must name.
BAD_CELLS = [
    (4, "Atlantis"),
    (7, "Privacy Shield"),
    (3, "=1+1"),
    (3, ""),
    (1, "x" * 201),
    (6, "opslag"),
    (8, "misschien"),
    (9, "Nobody"),
    (1, "Zero\x07Bell"),
    (2, "right\u202eleft"),
]
UNREADABLE = [b"", b"\x00\x01binary", "Dienst;Subverwerker\nTelefonie;Müller".encode("cp1252"), b"Name;Land\nx;NL\n"]


@st.composite
def good_row(draw, n: int) -> list[str]:
    words = draw(st.lists(st.sampled_from(["hosting", "back-up", "opslag", "Zürich", *INERT[:4]]), min_size=1))
    return [
        draw(st.sampled_from(["Telefonie", "Agenda", "Zorg & Co's dienst"])),
        f"{draw(st.sampled_from(NAMES))} {n}",  # a name of its own per row: no row repeats another
        draw(st.sampled_from(["", "Legal B.V."])),
        " ".join(words).lstrip("=+-@") or "hosting",
        draw(st.sampled_from(COUNTRIES)),
        draw(st.sampled_from(["", "Amsterdam", "Frankfurt am Main"])),
        draw(st.sampled_from(["", "processing", "verwerking", "back-up"])),
        "",
        draw(st.sampled_from(["", "ja", "nee", "yes", "no"])),
        "",
        draw(st.sampled_from(["", "Bijlage 2", "<b>annex</b>"])),
    ]


@st.composite
def a_file(draw) -> tuple[str, bytes, str]:
    """(name, bytes, what the preview must do: 'ok', 'problem' or 'refused')."""
    if draw(st.integers(0, 9)) == 0:
        return "broken.csv", draw(st.sampled_from(UNREADABLE)), "refused"
    rows = [draw(good_row(n)) for n in range(draw(st.integers(1, 5)))]
    verdict = "ok"
    if draw(st.integers(0, 9)) < 4:
        column, value = draw(st.sampled_from(BAD_CELLS))
        rows[draw(st.integers(0, len(rows) - 1))][column] = value
        verdict = "problem"
    headers = draw(st.sampled_from([DUTCH, ENGLISH]))
    kind = draw(st.sampled_from(["csv;", "csv,", "xlsx"]))
    if kind == "xlsx" and not any("\x07" in cell for row in rows for cell in row):  # openpyxl writes no controls
        return "list.xlsx", xlsx(rows, headers), verdict
    out = io.StringIO()
    delimiter = "," if kind == "csv," else ";"
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([headers, *rows])
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return "list.csv", (bom + out.getvalue()).encode("utf-8"), verdict


def _zorgco_editor(users, login):
    new_processor(users.admin)
    login(db.session.scalar(select(User).filter_by(email="ed@zorgco.example.org")))


def test_the_import_upload_form(fuzz_day, app, client, users, login, monkeypatch):
    _zorgco_editor(users, login)
    spy = Spy(monkeypatch).on(registry_apply, "plan_import")
    tally = Tally("ImportForm", backend(app))

    @EXAMPLES
    @given(upload_file=a_file())
    def run(upload_file):
        name, data, verdict = upload_file
        with isolated():
            before, calls = count(Service, SubProcessor, Engagement, AuditEntry), spy.calls
            response = upload(client, "zorgco", data, name)
            page = response.get_data(as_text=True)
            tally.run += 1
            tally.reached += spy.calls > calls
            assert response.status_code < 500, page[:3000]
            assert count(Service, SubProcessor, Engagement, AuditEntry) == before  # a preview stores nothing
            if verdict == "refused":
                assert response.status_code == 400 and 'id="file-error"' in page, page[:3000]
                return
            assert response.status_code == 200 and spy.calls > calls, (verdict, page[:3000])
            if verdict == "problem":
                assert "Problems, by row" in page and "/import/confirm" not in page, page[:3000]
                return
            tally.valid += 1
            assert "Problems, by row" not in page and confirm_fields(page)["carried"], page[:3000]
            tally.succeeded += 1

    run()
    tally.assert_real_share()


@st.composite
def carried_fields(draw, good: dict) -> tuple[dict, str]:
    """The confirm form's fields: as the preview gave them, or one of them attacked."""
    n = draw(st.integers(0, 9))
    kind = "ok" if n < 6 else "carried" if n < 8 else "fingerprint"
    # Whatever else a browser sends (a button's name, a stray field) is ignored, hostile or not.
    extra = draw(st.dictionaries(st.sampled_from(["x", "submit", "note"]), st.sampled_from(INERT), max_size=2))
    fields = {**extra, **good}
    if kind == "carried":
        fields["carried"] = draw(
            st.one_of(
                st.sampled_from(INERT + ["", "\x00", good["carried"][:-2]]),
                st.text(max_size=40),
                st.just(good["carried"][:10] + "x" + good["carried"][11:]),
            )
        )
    elif kind == "fingerprint":
        fields["fingerprint"] = draw(st.sampled_from(["", "0" * 64, *INERT[:3]]))
    return fields, kind


def test_the_import_confirmation(fuzz_day, app, client, users, login, monkeypatch):
    from .imports import FIRST, dutch_excel_csv

    _zorgco_editor(users, login)
    good = confirm_fields(upload(client, "zorgco", dutch_excel_csv(FIRST)).get_data(as_text=True))
    spy = Spy(monkeypatch).on(registry_apply, "apply_import")
    tally = Tally("ConfirmImportForm", backend(app))

    @EXAMPLES
    @given(fields=carried_fields(good))
    def run(fields):
        data, kind = fields
        with isolated():
            before, calls = count(Service, SubProcessor, Engagement, AuditEntry), spy.calls
            response = client.post("/admin/processors/zorgco/import/confirm", data=data)
            page = response.get_data(as_text=True)
            tally.run += 1
            tally.reached += spy.calls > calls
            assert response.status_code < 500, page[:3000]
            if kind == "ok" or (kind == "carried" and data["carried"] == good["carried"]):
                tally.valid += 1
                assert response.status_code == 302, page[:3000]
                # 2 services, 3 sub-processors, 3 engagements and one audit entry (FIRST, counted by hand).
                after = count(Service, SubProcessor, Engagement, AuditEntry)
                assert after == (before[0] + 2, before[1] + 3, before[2] + 3, before[3] + 1)
                tally.succeeded += 1
                return
            assert count(Service, SubProcessor, Engagement, AuditEntry) == before
            if kind == "fingerprint":  # the plan differs from the one seen: the new preview instead
                assert response.status_code == 409 and spy.calls > calls, page[:3000]
            else:
                assert response.status_code == 400, page[:3000]

    run()
    tally.assert_real_share()
