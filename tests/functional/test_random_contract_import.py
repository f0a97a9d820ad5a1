"""Property-based, like test_random_registry.py, for the contract import: files written by the test (CSV with
comma or semicolon, as Excel saves it, or XLSX by openpyxl) whose cells are mostly valid and sometimes attacked
(control and direction characters, formulas, days that do not exist, another processor's services, addresses that
are not addresses, a repeated reference, cells outside the columns), and whole files that cannot be read. Each
file knows by construction whether it can be imported. Never a 5xx; a refused file stores nothing; a preview
stores nothing; a confirmed preview stores exactly its rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from registry.extensions import db
from registry.imports import contracts
from registry.models import AuditEntry, CustomerContract, Organisation

from .contract_files import hidden, upload
from .fuzz import CONTROLS, EXAMPLES, INERT, OK, ONE_LINE_ONLY, REFUSED, Spy, Tally, Value, drive, free_text, isolated
from .seeded import EMAILS, backend, count, vcare

URL = "/admin/processors/vcare/contracts/import"
HEADERS = {
    "en": ["Organisation", "Contract reference", "Start date", "Services", "Notice e-mail", "Language"],
    "nl": ["Organisatie", "Kenmerk", "Begindatum", "Diensten", "E-mail voor aankondigingen", "Taal"],
}
OFFICER = {"en": "Privacy officer e-mail", "nl": "E-mail privacyfunctionaris"}
LANGUAGES = ["", "nl", "en", "NL", "Nederlands", "English", "Engels", "Dutch"]
BAD_DAYS = ["31-2-2024", "2024-13-01", "tomorrow", "2024/01/01", "1-1-24", "١-١-٢٠٢٤"]
UNREADABLE = [
    b"",
    b"\x00\x01\x02\x03 binary",
    b"\xd0\xcf\x11\xe0" + b"\x00" * 64,
    b"PK\x03\x04 broken",
    "Organisatie;Kenmerk\r\nCafé;R\r\n".encode("latin-1"),
    b"Naam;Land\r\nA;NL\r\n",
]


@st.composite
def attack(draw, valid, bad: list[str]) -> Value:
    """A bad value, a formula, or a valid value with a character no field takes."""
    kind = draw(st.integers(0, 2))
    if kind == 0 and bad:
        return Value(draw(st.sampled_from(bad)), REFUSED)
    if kind == 1:
        return Value("=" + draw(st.sampled_from(["1+1", "TODAY()", "A1", "cmd|' /C calc'!A0"])), REFUSED)
    base = draw(valid) or "x"
    at = draw(st.integers(0, len(base)))
    char = draw(st.sampled_from(CONTROLS[1:] + ONE_LINE_ONLY[4:]))
    return Value(base[:at] + char + base[at:], REFUSED)


def services_cell(names: list[str]):
    chosen = st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True)
    return st.tuples(chosen, st.sampled_from(["; ", "|", ";", ", "])).map(
        lambda pair: (", " if pair[1] == ", " and not any("," in n for n in pair[0]) else pair[1]).join(pair[0])
    )


def days():
    return st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.isoformat(), f"{d.day}-{d.month}-{d.year}", f"{d.day:02d}-{d.month:02d}-{d.year}"])
    )


@st.composite
def contract_file(draw, names: list[str]):
    """(file name, bytes, Value of the whole file, the references it adds)."""
    if draw(st.integers(0, 14)) == 0:
        return "broken.csv", draw(st.sampled_from(UNREADABLE)), Value("unreadable", REFUSED), set()
    language = draw(st.sampled_from(["en", "nl"]))
    officer = draw(st.booleans())
    header = HEADERS[language] + ([OFFICER[language]] if officer else [])
    columns = [
        (free_text(200), ["", "   "]),
        None,  # the reference: F-1, F-2, ...
        (days(), BAD_DAYS + [""]),
        (services_cell(names), ["Sauna", "IT & Telecom diensten", ""]),
        (st.sampled_from(EMAILS), ["not-an-address", "", INERT[0]]),
        (st.sampled_from(LANGUAGES), ["Deutsch", "fr"]),
    ] + ([(st.sampled_from(EMAILS + [""]), ["x@", "@example.org"])] if officer else [])
    count_rows = draw(st.integers(1, 4))
    attacked = set()
    if draw(st.integers(0, 99)) >= 60:  # most files are valid; the others have one or two cells attacked
        cells = [(r, c) for r in range(count_rows) for c in range(len(columns) + 1)]
        attacked = set(draw(st.lists(st.sampled_from(cells), min_size=1, max_size=2, unique=True)))
    rows, verdicts, references = [], [], []
    for n in range(count_rows):
        reference = f"F-{n + 1}"
        if n and (n, 1) in attacked:
            reference = references[0]
            verdicts.append(REFUSED)  # the same reference twice in one file
        references.append(reference)
        values = []
        for c, column in enumerate(columns):
            if column is None:
                values.append(Value(reference))
            else:
                values.append(draw(attack(*column) if (n, c) in attacked else column[0].map(Value)))
        if (n, len(columns)) in attacked:
            values.append(Value("a cell outside the columns", REFUSED))
        verdicts += [v.verdict for v in values]
        rows.append([v.raw for v in values])
    controls = any(re.search("[\x00-\x1f\x7f-\x9f]", raw) for row in rows for raw in row)
    if not controls and draw(st.booleans()):
        book = Workbook()
        for line in [header, *rows]:
            book.active.append(line)
        out = io.BytesIO()
        book.save(out)
        name, data = "contracts.xlsx", out.getvalue()
    else:
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";" if language == "nl" else ",", lineterminator="\r\n").writerows([header, *rows])
        name, data = "contracts.csv", ("\ufeff" + out.getvalue()).encode("utf-8", "surrogatepass")
    verdict = REFUSED if REFUSED in verdicts else OK
    return name, data, Value(f"{len(rows)} rows", verdict), set(references)


def _names() -> list[str]:
    processor = vcare()
    return [s.name for s in processor.services] + [s.key for s in processor.services]


def test_the_contract_upload(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(contracts, "preview")
    tally = Tally("ContractUploadForm", backend(app))

    @EXAMPLES
    @given(file=contract_file(_names()))
    def run(file):
        name, data, value, _references = file
        with isolated():
            before, calls = count(CustomerContract, Organisation, AuditEntry), spy.calls
            response = upload(client, data, name)
            page = response.get_data(as_text=True)
            drive(
                response,
                {"file": value},
                tally,
                spy.calls > calls,
                count(CustomerContract, Organisation, AuditEntry) == before,
                lambda: (
                    response.status_code == 200
                    and 'name="carried"' in page
                    and count(CustomerContract, Organisation, AuditEntry) == before
                ),
            )

    run()
    tally.assert_real_share()


def test_the_contract_import_confirmation(fuzz_day, app, client, users, login, monkeypatch):
    """A valid file's preview confirmed as it came, or with its carried file or its fingerprint altered."""
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(contracts, "confirm")
    tally = Tally("ConfirmContractImportForm", backend(app))
    processor_id = vcare().id
    valid_file = contract_file(_names()).filter(lambda file: file[2].verdict == OK)

    @EXAMPLES
    @given(
        file=valid_file,
        tamper=st.sampled_from([None] * 6 + ["carried", "fingerprint", "both"]),
        invite=st.sampled_from(["", "y"]),
    )
    def run(file, tamper, invite):
        name, data, _value, references = file
        with isolated():
            html = upload(client, data, name).get_data(as_text=True)
            carried, fingerprint = hidden(html, "carried"), hidden(html, "fingerprint")
            if tamper in ("carried", "both"):
                carried = carried[:10] + ("A" if carried[10] != "A" else "B") + carried[11:]
            if tamper in ("fingerprint", "both"):
                fingerprint = "0" * len(fingerprint)
            before, calls = count(CustomerContract, Organisation, AuditEntry), spy.calls
            data = {"carried": carried, "fingerprint": fingerprint, "invite": invite}
            response = client.post(URL + "/confirm", data=data)
            stored = set(db.session.scalars(select(CustomerContract.reference).filter_by(processor_id=processor_id)))
            drive(
                response,
                {"file": Value(name), "tamper": Value(str(tamper), REFUSED if tamper else OK)},
                tally,
                spy.calls > calls,
                count(CustomerContract, Organisation, AuditEntry) == before,
                lambda: (
                    response.status_code == 302
                    and references <= stored
                    and count(CustomerContract)[0] == before[0] + len(references)
                ),
                refusals=(400, 409),
            )

    run()
    tally.assert_real_share()
