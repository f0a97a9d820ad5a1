import pytest

from registry.text.csv import csv_safe


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_spreadsheet_formulas_are_defused_with_a_leading_quote_and_kept_whole(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value,cell", [("Equinix", "Equinix"), (None, ""), (30, "30"), ("a=b", "a=b")])
def test_plain_text_is_unchanged(value, cell):
    assert csv_safe(value) == cell
