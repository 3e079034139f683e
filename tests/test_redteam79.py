"""Red team 79 (a forger at stop 38's last fixes): a root in OpenSSL's "TRUSTED CERTIFICATE" form was read as its
certificate with OpenSSL's trust settings thrown away, so a CA RHEL's bundle lists as rejected (or trusts for web servers
only) validated a forger's signature in Sở Tư pháp's name, registered and acknowledged; and a recalled line whose date
was left out matched a certified copy of that number of any year, so a genuine copy of last year's document was returned
as recalled. Each failed before its fix."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from gateway.trust_files import _CertAux
from kit import DocumentSpec, render_document
from test_redteam43 import _Typed
from test_redteam53 import _recall
from test_redteam76_config import _configured, _one_line
from world import STC, World, certified_copy


def _trusted_certificate(world: World, **settings: list[str]) -> str:
    """The World's root written as `openssl x509 -trustout` writes it, with these trust settings after it."""
    der = world.pki.root.cert.public_bytes(Encoding.DER) + (_CertAux(settings).dump() if settings else b"\x30\x00")
    text = base64.b64encode(der).decode("ascii")
    lines = "\n".join(text[i:i + 64] for i in range(0, len(text), 64))
    (world.root / "root-trusted.pem").write_text(f"-----BEGIN TRUSTED CERTIFICATE-----\n{lines}\n"
                                                 "-----END TRUSTED CERTIFICATE-----\n", encoding="ascii")
    return "root-trusted.pem"


@pytest.mark.parametrize("settings,why", [
    ({"reject": ["1.3.6.1.5.5.7.3.4", "2.5.29.37.0", "1.3.6.1.5.5.7.3.1"]}, "rejected"),  # as RHEL's bundle lists a
    ({"trust": ["1.3.6.1.5.5.7.3.1"]}, "trusted by its trust settings for 1.3.6.1.5.5.7.3.1 only"),  # blocked CA; TLS only
])
def test_a_root_openssl_distrusts_for_signatures_is_no_root(world: World, settings: dict[str, list[str]], why: str) -> None:
    config = _configured(world, trust={"roots": [_trusted_certificate(world, **settings)]})
    mail = world.mail("forged", sender="vanthu@evil.example", auth=None,
                      attachments=[("cv.pdf", world.signed("stp", world.document(number="782/STP-VP")))])
    done = world.run("check", "--config", config, "--json", str(mail), check=False)

    assert done.returncode == 2 and done.stdout == ""
    line = _one_line(done.stderr)
    assert line.startswith("qlvb-gateway: trust.roots: ") and why in line, line


@pytest.mark.parametrize("settings", [{"trust": ["1.3.6.1.5.5.7.3.4"], "reject": ["1.3.6.1.5.5.7.3.1"]},
                                      {"trust": ["2.5.29.37.0"]}, {}])
def test_a_root_openssl_trusts_for_signatures_is_a_root(world: World, settings: dict[str, list[str]]) -> None:
    _configured(world, trust={"roots": [_trusted_certificate(world, **settings)]})
    [out] = world.ingest(world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="783/STP-VP")))]))
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]


def test_a_copy_of_last_years_number_is_no_copy_of_this_years_recalled_undated_one(world: World) -> None:
    typo = world.signed("stp", render_document(DocumentSpec(number="15/STP-VP", summary="Về việc tổ chức hội nghị tổng kết",
                                                            date=(_Typed("30"), _Typed("02"), _Typed("2026")))))
    world.ingest(world.mail("typo", headers={"X-QLVB-Document-Id": "STP-2026.15"}, attachments=[("15-STP-VP.pdf", typo)]))
    world.ingest(_recall(world, "STP-2026.15"))
    copy = certified_copy(world.document(number="15/STP-VP", summary="Về việc triển khai kế hoạch năm 2025", date=(2, 3, 2025)),
                          "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "12/SY-STC")
    [out] = world.ingest(world.mail("copy", sender=STC, attachments=[("sao-y.pdf", world.signed("stc", copy))]))

    assert out["verdict"] == "accepted" and "recalled" not in [r["code"] for r in out["reasons"]], out["reasons"]
