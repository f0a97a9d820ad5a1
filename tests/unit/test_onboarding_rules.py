"""The rules of a new processor's registration number and slug (registry/subprocessors/onboarding.py)."""

import pytest

from registry.exceptions import DomainError
from registry.subprocessors.onboarding import processor_slug, registration_number


@pytest.mark.parametrize(
    "typed,kept",
    [
        # A KvK number has eight digits (Kamer van Koophandel); how it is grouped when typed does not matter.
        ("12345678", "12345678"),
        (" 1234 5678 ", "12345678"),
        ("12.34.56.78", "12345678"),
        ("12-34-56-78", "12345678"),
        # With a register or country named it is another country's registration, kept as typed (spaces tidied).
        ("HRB  12345", "HRB 12345"),
        ("BE 0123.456.789", "BE 0123.456.789"),
    ],
)
def test_a_registration_number_is_kept_as_the_register_gives_it(typed, kept):
    assert registration_number(typed) == kept


@pytest.mark.parametrize("typed", ["", "   ", "1234567", "123456789", "12+34+56+78", "HRB 12345 Amtsgericht München"])
def test_a_registration_number_that_cannot_be_one_is_refused_at_its_field(typed):
    with pytest.raises(DomainError) as refused:
        registration_number(typed)
    assert refused.value.field == "kvk_number"


@pytest.mark.parametrize(
    "name,wanted,slug",
    [
        ("Zorg & Co Müller", "", "zorg-co-muller"),
        ("Straße Zorg", "", "strasse-zorg"),
        ("X", "eigen-slug", "eigen-slug"),
    ],
)
def test_a_slug_is_made_from_the_name_unless_one_is_given(name, wanted, slug):
    assert processor_slug(name, wanted) == slug


@pytest.mark.parametrize("wanted", ["Zorg", "zorg_co", "zorg--co", "zorg-", "new", "users", "a" * 65])
def test_a_slug_outside_the_rules_is_refused(wanted):
    with pytest.raises(DomainError) as refused:
        processor_slug("Zorg", wanted)
    assert refused.value.field == "slug"
