"""The accent colour's contrast with white text, as WCAG 2.1 defines relative luminance and contrast ratio (worked
out by hand: #767676 is the lightest grey that passes 4.5:1, at 4.54:1; #777777 gives 4.478:1)."""

import pytest

from registry.exceptions import DomainError
from registry.subprocessors.branding import accent, contrast_with_white, logo_type


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#000000", 21.0), ("#ffffff", 1.0), ("#767676", 4.542), ("#777777", 4.478)],
)
def test_contrast_with_white(colour, ratio):
    assert contrast_with_white(colour) == pytest.approx(ratio, abs=0.001)


def test_an_accent_colour_is_kept_in_one_form_and_must_be_readable():
    assert accent("#0B5394") == "#0b5394" and accent("767676") == "#767676" and accent("  ") is None
    with pytest.raises(DomainError, match=r"contrast of 4\.47:1; at least 4\.5:1"):
        accent("#777777")
    for bad in ("red", "#12345", "#1234567", "#gggggg", "javascript:alert(1)", "#0b5394;color:red"):
        with pytest.raises(DomainError, match="#rrggbb"):
            accent(bad)


def test_a_logo_is_a_png_or_jpeg_by_its_bytes():
    assert logo_type(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10) == "image/png"
    assert logo_type(b"\xff\xd8\xff\xe0" + b"\x00" * 10) == "image/jpeg"
    for bad in (b"<svg onload=alert(1)>", b"GIF89a", b"%PDF-1.7"):
        with pytest.raises(DomainError, match="PNG or JPEG"):
            logo_type(bad)
    with pytest.raises(DomainError, match="larger than 200 KB"):
        logo_type(b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024))
