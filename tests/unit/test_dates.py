from datetime import date

import pytest
from werkzeug.exceptions import BadRequest

from registry.dates import parse_at


def test_a_well_formed_day_is_read():
    assert parse_at("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("raw", ["2026-13-01", "2023-02-29", "yesterday", "2026-1-1", "20261101", "0001-01-01",
                                 "2026-11-01T00:00", "' OR 1=1 --"])
def test_a_malformed_day_is_a_bad_request_that_says_why(raw):
    with pytest.raises(BadRequest) as info:
        parse_at(raw)
    assert "YYYY-MM-DD" in info.value.description or "1990" in info.value.description


def test_no_day_means_today():
    assert isinstance(parse_at(None), date)
