"""Keys and slugs made from names: accented letters are spelt out, not dropped (worked out by hand)."""

import pytest

from registry.subprocessors.editing import SLUG, slugify


@pytest.mark.parametrize(
    "name,slug",
    [
        # ü → u; "&", "." and the spaces are not letters: one hyphen for each run, none at the ends.
        ("Müller GmbH & Co.", "muller-gmbh-co"),
        ("Müller", "muller"),
        # Æ → AE, ø → o, ß → ss; the dash between words is one separator like the spaces around it.
        ("Ærø Øresund – Straße", "aero-oresund-strasse"),
        ("Huisartsenpraktijk X", "huisartsenpraktijk-x"),
        ("  --Zorg  B.V.--  ", "zorg-b-v"),
    ],
)
def test_a_name_becomes_lower_case_ascii_words_joined_by_hyphens(name, slug):
    assert slugify(name) == slug
    assert SLUG.match(slug)


def test_a_long_name_is_cut_to_64_characters_without_a_hyphen_at_the_end():
    # 63 letters, a space, then "b": the 64th character would be the hyphen, so 63 letters remain.
    assert slugify("a" * 63 + " b") == "a" * 63


def test_a_name_without_letters_or_digits_gives_an_empty_slug():
    assert slugify("&&& – ...") == ""
