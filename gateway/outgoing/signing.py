"""Our agency's signature on an outgoing document: PAdES with pyHanko, from a PKCS#12 file or a
PKCS#11 token, with a visible appearance (the red seal, the agency's name, the time in ISO 8601
Vietnam time, Vietnamese text in an embedded font). Placement: Bắc Giang QĐ 133/2015's bottom left
of page 1, or NĐ 30/2020 Phụ lục I's seal over the signature (beside the signer's name)."""

from __future__ import annotations

import logging

import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from gateway.config import ConfigError, SecretNotSet, Signing

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

BOX_WIDTH, BOX_HEIGHT, MARGIN, FONT_SIZE = 190.0, 64.0, 28.0, 8  # points
# FreeSans: Vietnamese, and 1000 units per em (pyHanko 0.38 writes glyph widths in font units, so a
# 2048-unit font such as DejaVu Sans comes out letter-spaced)
FONTS = [Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf"), Path("/usr/share/fonts/opentype/freefont/FreeSans.otf")]


class SigningError(Exception):
    """The key cannot be used: a missing password or PIN, a wrong one, a token not found."""


class SigningSecretNotSet(SigningError):
    """The environment variable holding the key's password or PIN is not set."""


def _font(signing: Signing) -> Path:
    if signing.appearance.font is not None:
        return signing.appearance.font
    for path in FONTS:
        if path.is_file():
            return path
    raise ConfigError("signing.appearance.font: no font with Vietnamese found; install fonts-freefont-ttf or name a .ttf")


def _secret(read: Callable[[], SecretStr | None], what: str) -> str:
    try:
        value = read()
    except SecretNotSet as exc:  # the key cannot be used now; the configuration itself is sound
        raise SigningSecretNotSet(str(exc)) from None
    if value is None:
        raise ConfigError(f"signing: name the environment variable that holds the {what}")
    return value.get_secret_value()


@contextmanager
def open_signer(signing: Signing) -> Iterator[Signer]:
    """The pyHanko signer for the configured key (a PKCS#11 session is closed afterwards)."""
    from pyhanko.sign import signers

    if signing.pkcs12 is not None:
        password = _secret(signing.password, "PKCS#12 password")
        said = logging.getLogger("pyhanko.sign.signers.pdf_cms")  # logs a wrong password with a traceback: ours says it
        was, said.disabled = said.disabled, True  # in one line (red team 110)
        try:
            signer = signers.SimpleSigner.load_pkcs12(str(signing.pkcs12), passphrase=password.encode())
        except Exception as exc:  # pyHanko raises several kinds for a wrong password or a broken file
            raise SigningError(f"signing.pkcs12: cannot open {signing.pkcs12}: {exc}") from exc
        finally:
            said.disabled = was
        if signer is None:
            raise SigningError(f"signing.pkcs12: cannot open {signing.pkcs12} (wrong password?)")
        yield signer
        return
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    token = signing.pkcs11
    assert token is not None
    pin = _secret(token.pin, "token PIN")
    try:
        session = open_pkcs11_session(str(token.module), token_criteria=TokenCriteria(label=token.token_label), user_pin=pin)
    except Exception as exc:  # python-pkcs11 raises its own errors for a missing token or a wrong PIN
        raise SigningError(f"signing.pkcs11: cannot open token {token.token_label!r}: {type(exc).__name__}: {exc}") from exc
    try:
        # other_certs_to_pull=None: every certificate on the token, so that the CA chain stored there is embedded
        yield PKCS11Signer(session, key_label=token.key_label, cert_label=token.cert_label or token.key_label,
                           other_certs_to_pull=None)
    finally:
        session.close()


def _box(pdf: bytes, placement: str, signer_name: str | None) -> tuple[int, tuple[float, float, float, float]]:
    """(page index, box in PDF points from the bottom left)."""
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        if placement == "over-signature" and signer_name:
            for index in range(doc.page_count - 1, -1, -1):
                page = doc[index]
                hits = page.search_for(signer_name)
                if hits:
                    name = hits[-1]  # the name under the signature; the seal goes over the space above it
                    x0 = max(MARGIN, (name.x0 + name.x1) / 2 - BOX_WIDTH / 2)
                    top = name.y0 - BOX_HEIGHT - 4
                    height = page.rect.height
                    return index, (x0, height - top - BOX_HEIGHT, x0 + BOX_WIDTH, height - top)
        # Bắc Giang QĐ 133/2015: bottom left of the first page (also where the name is not in a text layer)
        return 0, (MARGIN, MARGIN, MARGIN + BOX_WIDTH, MARGIN + BOX_HEIGHT)


def sign_outgoing(pdf: bytes, signing: Signing, agency_name: str, tz: ZoneInfo, signer_name: str | None = None) -> bytes:
    """The PDF with our agency's signature added (an incremental update: earlier signatures stay valid)."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import images, text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    import logging

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset": a table the box does not need
    at = datetime.now(tz).replace(microsecond=0).isoformat()
    page, box = _box(pdf, signing.appearance.placement, signer_name)
    background = None
    if signing.appearance.seal_image is not None:
        from PIL import Image

        background = images.PdfImage(Image.open(signing.appearance.seal_image))
    style = stamp.TextStampStyle(
        stamp_text="Ký bởi: %(agency)s\nThời gian ký: %(at)s",  # the agency's name wrapped to the box
        text_box_style=text.TextBoxStyle(font=GlyphAccumulatorFactory(str(_font(signing)), font_size=FONT_SIZE),
                                         font_size=FONT_SIZE),
        background=background, background_opacity=0.8, border_width=1,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    field_name = f"QLVB{len(list(fields.enumerate_sig_fields(writer))) + 1}"
    out = BytesIO()
    with open_signer(signing) as signer:
        signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES,
                                         md_algorithm="sha256", name=agency_name, location="Việt Nam"),
            signer=signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page,
                                              box=box),  # type: ignore[arg-type]  # pyHanko types a box as ints; PDF points are floats
        ).sign_pdf(writer, appearance_text_params={"agency": "\n".join(textwrap.wrap(agency_name, 40)), "at": at}, output=out)
    return out.getvalue()
