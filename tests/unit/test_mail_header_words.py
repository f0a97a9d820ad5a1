"""The Subject and From headers decode, with the email package's default policy, to exactly the text they carry:
accents, long runs of them, quotes, brackets and words that look like encoded words; every line within 78."""

from email import policy
from email.parser import BytesParser

import pytest

from registry.mail.headers import from_header, subject_header

SUBJECTS = [
    # The email package's own folding read this one as "Huisartsen  CoöperatieBelgië(privé, één)".
    "Vcare zet Spraakherkenning en Gegevensopslag voor Huisartsen Coöperatie België (privé, één) in voor Operator "
    "vanaf 15 januari 2027",
    # And Flask-Mail's email.header.Header this one as "(pri vé,één)".
    "Vcare kondigt aan: Acme Cloud België wordt ingezet voor Operator, Sendi en de afsprakenmodule vanaf 15 januari "
    "2027 (privé, één)",
    "Ünïcödé " * 12 + "end",
    'Looks encoded: =?utf-8?b?SGk=?= and "quotes" (parens) <brackets>',
    "Vcare adds Acme Cloud for Operator, Sendi and the appointments module from January 15, 2027, a long subject",
    "Kort",
]
NAMES = [
    'Zoë "Q" <spy@evil.example> Bcc: spy@evil.example via Sub-processor Registry',
    "Coöperatieve Zorgdiensten België én Überlandse Gegevensverwerking voor Huisartsen via Register van subverwerkers",
    "Vcare via Sub-processor Registry",
    r'back\slash "quote" (comment) , ; : @ é',
    "=?utf-8?b?SGk=?= via Registry",
]


def parsed(header: str, value: str):
    raw = f"{header}: {value}".replace("\n", "\r\n").encode("ascii") + b"\r\n\r\nbody"
    lines = raw.split(b"\r\n")[:-2]
    assert all(len(line) <= 78 and not line.endswith(b" ") for line in lines), raw
    return BytesParser(policy=policy.default).parsebytes(raw)


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_subject_decodes_to_its_text(subject):
    assert parsed("Subject", subject_header(subject))["Subject"] == subject


@pytest.mark.parametrize("name", NAMES)
def test_a_sender_name_decodes_to_its_text_and_one_address(name):
    [address] = parsed("From", from_header(name, "registry@localhost"))["From"].addresses
    assert (address.display_name, address.addr_spec) == (name, "registry@localhost")


def test_no_name_is_the_bare_address_and_no_subject_no_header():
    assert from_header("", "registry@localhost") == "registry@localhost"
    assert subject_header(" ") == ""
