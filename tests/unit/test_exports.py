import pytest

from registry.exports import csv_safe


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_spreadsheet_formulas_are_defused(value):
    assert csv_safe(value).startswith("'")


def test_plain_text_is_unchanged():
    assert csv_safe("Equinix") == "Equinix"
    assert csv_safe(None) == ""
