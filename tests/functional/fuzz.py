"""The form fuzz: strategies that give each field a valid value most of the time and sometimes an attack, each
value knowing by construction whether the portal must take it; a clean database state per example; and the
tally of examples that reached the service and succeeded."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from markupsafe import escape

from registry.extensions import db, limiter

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

OK, FORM, REFUSED = "ok", "form", "refused"  # taken; refused by the form (the service never runs); refused


@dataclass(frozen=True)
class Value:
    """What a field is sent, and what the portal must do with it."""

    raw: str | list[str]
    verdict: str = OK
    markers: tuple[str, ...] = ()  # what the page must say when the form refuses it
    kept: bool = False  # a text the refusing page must show again as typed


# Text the portal stores as typed and shows inert: markup, CSV formulas, SQL, format strings, other scripts,
# combining and zero-width characters, look-alikes of escapes.
INERT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "@SUM(A1)",
    "-2+3",
    "'; DROP TABLE processor; --",
    '" OR ""="',
    "%s %(name)s {0} {{7*7}} ${x}",
    "😀 שלום مرحبا 你好 ñé",
    "z̸̢a̷l̶g̵o",
    "zero\u200bwidth",
    "\\x00 \\n",
    "../../etc/passwd",
    "NULL",
    "&amp; &lt;b&gt;",
    "ǅ ß ﬁ Ω",
]
# Characters no field takes (Unicode category Cc, listed by hand): NUL, other C0 controls, DEL, C1 controls.
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9b"]
# Kept in multi-line text, refused in one line: tab, line breaks, and the invisible direction controls.
ONE_LINE_ONLY = [
    "\t",
    "\n",
    "\r\n",
    "\u2028",
    "\u202a",
    "\u202b",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
]
WORDS = [
    "data",
    "centre",
    "Amsterdam",
    "back-up",
    "telefonie",
    "opname",
    "verwerking",
    "klant",
    "Zürich",
    "privacy",
    "contract",
    "notice",
    "cloud",
    "logboek",
    "support",
]


def code(char: str) -> str:
    return f"U+{ord(char):04X}"


def words(least: int = 1, most: int = 6) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=least, max_size=most).map(" ".join)


def free_text(longest: int, multi_line: bool = False, least_words: int = 1) -> st.SearchStrategy[str]:
    """Plain words mixed with inert hostile text (and, in a text area, tabs, line breaks and direction marks)."""
    pieces = [st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(INERT)]
    if multi_line:
        pieces.append(st.sampled_from(ONE_LINE_ONLY))
    text = st.tuples(words(least_words, least_words + 2), st.lists(st.one_of(pieces), max_size=5)).map(
        lambda parts: " ".join([parts[0], *parts[1]])
    )
    full = ("Zé " * longest)[:longest].strip()  # as long as the field takes (and still with a letter a slug keeps)
    return st.integers(0, 9).flatmap(lambda n: st.just(full) if n == 9 else text).map(lambda value: value[:longest])


@st.composite
def inserted(draw, base: str, chars: list[str]) -> tuple[str, str, int]:
    """`base` with one of `chars` put in somewhere; the text, the character and its position (from 1)."""
    char = draw(st.sampled_from(chars))
    at = draw(st.integers(0, len(base)))
    return base[:at] + char + base[at:], char[0], at + 1


def text(
    longest: int,
    *,
    multi_line: bool = False,
    required: bool = False,
    valid=None,
    least_words: int = 1,
    secret: bool = False,
    inert_refused: bool | None = None,
) -> Field:
    """A field a person types in. `valid` replaces the free text for fields with a syntax (a key, an address):
    inert hostile text is then a value the portal refuses (unless `inert_refused` is False: a new password may be
    anything). A secret (a password) is not shown again."""
    if inert_refused is None:
        inert_refused = valid is not None
    typed = valid if valid is not None else free_text(longest, multi_line, least_words)
    good = typed if required or valid is not None else st.one_of(typed, st.just(""))
    kinds = (
        ["control", "overlong"]
        + ([] if multi_line else ["one line"])
        + ["blank"] * required
        + ["inert"] * inert_refused
    )
    return Field(good.map(Value), text_attack(typed, kinds, longest, multi_line, not secret))


@st.composite
def text_attack(draw, typed, kinds: list[str], longest: int, multi_line: bool, kept: bool) -> Value:
    base = draw(typed) or "x"
    kind = draw(st.sampled_from(kinds))
    if kind in ("control", "one line"):
        value, char, position = draw(inserted(base, CONTROLS if kind == "control" else ONE_LINE_ONLY))
        return Value(value, FORM, (code(char), f"position {position}"), kept=kept)
    if kind == "overlong":
        value = (base + " " + "y" * longest)[: longest + draw(st.integers(1, 40))]
        return Value(value, FORM, (f"longer than {longest} characters",), kept=kept)
    if kind == "inert":
        return Value(draw(st.sampled_from(INERT)), REFUSED)
    return Value(draw(st.sampled_from(["", "   ", "\u3000", " \r\n "[: 4 if multi_line else 2]])), REFUSED)


def choice(
    values: list[str],
    bogus: list[str],
    *,
    checked_by_form: bool = True,
    coerced: bool = False,
    bogus_verdict: str | None = None,
) -> Field:
    """A select or radio: valid choices, bogus ones (refused by the form or, where the domain checks the choice,
    by the domain; `bogus_verdict` where the domain ignores it), and a valid one with a control character in it
    (always the form: a number that does not parse says so itself; a choice the domain checks gets the plain-text
    rule, whose message names the character)."""
    return Field(
        st.sampled_from(values).map(Value),
        choice_attack(
            values, bogus, bogus_verdict or (FORM if checked_by_form else REFUSED), not (checked_by_form or coerced)
        ),
    )


@st.composite
def choice_attack(draw, values: list[str], bogus: list[str], bogus_verdict: str, named: bool) -> Value:
    if draw(st.booleans()):
        return Value(draw(st.sampled_from(bogus)), bogus_verdict)
    value, char, _ = draw(inserted(draw(st.sampled_from(values)) or "x", CONTROLS + ONE_LINE_ONLY[:3]))
    return Value(value, FORM, (code(char),) if named else ())


def several(subsets: st.SearchStrategy[list[str]], bogus: list[str]) -> Field:
    """Check boxes (ids): valid subsets, or one bogus id among them."""
    return Field(subsets.map(Value), several_attack(subsets, bogus))


@st.composite
def several_attack(draw, subsets, bogus: list[str]) -> Value:
    chosen = list(draw(subsets))
    chosen.insert(draw(st.integers(0, len(chosen))), draw(st.sampled_from(bogus)))
    return Value(chosen, REFUSED)


def day(valid: st.SearchStrategy[str]) -> Field:
    bad = st.one_of(
        st.sampled_from(["2026-02-30", "31-12-2026", "tomorrow", "", "2026-13-01", "١٢-٠١-٢٠٢٧"]),
        valid.flatmap(lambda iso: inserted(iso, CONTROLS).map(lambda found: found[0])),
    )
    return Field(valid.map(Value), bad.map(lambda value: Value(value, FORM)))


def fixed(value: str) -> Field:
    """A field every example sends as it is (a box, a value the scenario fixes)."""
    return Field(st.just(Value(value)), st.just(Value(value)))


@dataclass
class Field:
    valid: st.SearchStrategy[Value]
    attack: st.SearchStrategy[Value]


@st.composite
def example(draw, fields: dict[str, Field]) -> dict[str, Value]:
    """Most examples send only valid values; the others attack one or two fields."""
    names = list(fields)
    attacked = (
        set()
        if draw(st.integers(0, 99)) < 60
        else set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)))
    )
    return {name: draw(f.attack if name in attacked else f.valid) for name, f in fields.items()}


def verdict(values: dict[str, Value]) -> str:
    found = {v.verdict for v in values.values()}
    return FORM if FORM in found else REFUSED if REFUSED in found else OK


def form_data(values: dict[str, Value]) -> dict:
    return {name: v.raw for name, v in values.items()}


def shown(values: dict[str, Value]) -> dict:
    """The values for a failure message, long ones cut short."""
    return {
        name: (v.raw[:60] + f"… ({len(v.raw)} characters)" if len(v.raw) > 60 else v.raw, v.verdict)
        for name, v in values.items()
    }


# A clean state per example ------------------------------------------------------------------------------


@contextmanager
def isolated():
    """Each example in a savepoint of the test's own transaction (conftest), rolled back afterwards.

    The test's session is committed first: closing it would roll back its savepoint, and with it what the
    requests of the set-up wrote inside that savepoint."""
    db.session.commit()
    db.session.remove()
    connection = db.session.get_bind()
    savepoint = connection.begin_nested()
    limiter.reset()
    try:
        yield
    finally:
        db.session.remove()
        savepoint.rollback()


class Spy:
    """Counts the calls of the service functions a view calls, and lets each call run as it would."""

    def __init__(self, monkeypatch):
        self.monkeypatch, self.calls = monkeypatch, 0

    def on(self, owner, name: str) -> Spy:
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        self.monkeypatch.setattr(owner, name, counted)
        return self


# The tally ------------------------------------------------------------------------------------------------

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "random-input.json"


@dataclass
class Tally:
    """Per form: examples run, that reached the service, that succeeded, and that the form refused."""

    form: str
    backend: str
    run: int = 0
    reached: int = 0
    succeeded: int = 0
    refused_by_form: int = 0
    valid: int = 0  # examples that sent only values the portal must take

    def record(self) -> None:
        """Print the figures and keep them in test-artifacts/ (the suite's record of what the fuzz reached)."""
        print(
            f"{self.backend:<10} {self.form:<24} run {self.run:>3}  all valid {self.valid:>3}  reached the service "
            f"{self.reached:>3}  succeeded {self.succeeded:>3}  refused by the form {self.refused_by_form:>3}"
        )
        ARTIFACT.parent.mkdir(exist_ok=True)
        kept = json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {}
        kept[f"{self.backend}:{self.form}"] = asdict(self)
        ARTIFACT.write_text(json.dumps(kept, indent=1, sort_keys=True))

    def assert_real_share(self, share: float = 0.2) -> None:
        self.record()
        assert self.run >= 20, self
        assert self.reached >= share * self.run, self
        assert self.succeeded >= share * self.run, self


def drive(
    response,
    values: dict[str, Value],
    tally: Tally,
    reached: bool,
    unchanged: bool,
    succeeded: Callable[[], bool],
    refusals=(400,),
) -> None:
    """Judge one answer against what the values demand: refused by the form (with its message, keeping the
    text, the service never called), refused with nothing changed, or taken."""
    tally.run += 1
    tally.reached += reached
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:3000]
    expected = verdict(values)
    tally.valid += expected == OK
    if expected == OK:
        assert reached and succeeded(), (response.status_code, shown(values), page[:3000])
        tally.succeeded += 1
        return
    assert response.status_code in refusals and unchanged, (response.status_code, shown(values), page[:3000])
    if expected == FORM:
        tally.refused_by_form += 1
        assert not reached, shown(values)
        for name, value in values.items():
            for marker in value.markers:
                assert marker in page, (name, marker, shown(values), page[:3000])
            if value.kept:
                assert str(escape(value.raw)) in page, (name, shown(values))
