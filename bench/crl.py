"""Benchmark: a signature validated against CRLs of the sizes national CAs publish, the gateway's
validator beside bare pyHanko doing the same work in the same run (CPU a validation, and the ratio).

A CA's CRL lists every certificate it has revoked and not yet seen expire: tens of thousands for a
national CA. pyHanko looks a certificate up in it entry by entry at every validation; the gateway's
worker indexes each CRL once (gateway/intake/pyhanko_speedups.py). Also the memory a process grows by
through its first validation with that CRL (each measured in a fresh process): what it keeps of the CRL.
Usage: python bench/crl.py [--sizes 0,2000,20000,100000] [--documents N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from world import build_pki, make_world  # noqa: E402


def national_crl(pki, entries: int, path: Path) -> Path:  # type: ignore[no-untyped-def]
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    now = datetime.now(timezone.utc)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(pki.intermediate.cert.subject)
               .last_update(now - timedelta(hours=1)).next_update(now + timedelta(days=7)))
    for serial in range(10**12, 10**12 + entries):
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                                  .revocation_date(now - timedelta(days=1)).build())
    path.write_bytes(builder.sign(pki.intermediate.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    return path


def bare_pyhanko(pdfs: list[bytes], root: Path, crls: list[Path]) -> float:
    """CPU seconds a validation for pyHanko alone (one shared context, offline), as bench/daemon.py's ceiling."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def der(path: Path) -> bytes:
        data = path.read_bytes()
        return pem.unarmor(data)[2] if pem.detect(data) else data

    context = ValidationContext(trust_roots=[x509.Certificate.load(der(root))],
                                crls=[asn1_crl.CertificateList.load(der(p)) for p in crls], allow_fetching=False)

    def validate(pdf: bytes) -> None:
        for signature in PdfFileReader(BytesIO(pdf)).embedded_signatures:
            assert validate_pdf_signature(signature, context).bottom_line
    validate(pdfs[0])
    t0 = time.process_time()
    for pdf in pdfs:
        validate(pdf)
    return (time.process_time() - t0) / len(pdfs)


def gateway(pdfs: list[bytes], root: Path, crls: list[Path]) -> float:
    """CPU seconds a validation for the gateway's worker (its speedups installed), the CRLs loaded once."""
    from gateway.intake.signatures import SignatureValidator, TrustStore

    validator = SignatureValidator(TrustStore.load([root], crls))
    assert validator.validate(pdfs[0])[0].trusted
    t0 = time.process_time()
    for pdf in pdfs:
        validator.validate(pdf)
    return (time.process_time() - t0) / len(pdfs)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024


def _grown(measure, pdfs: list[bytes], root: Path, crls: list[Path], out) -> None:  # type: ignore[no-untyped-def]
    measure(pdfs[:2], root, crls[1:])  # everything loaded and warm, without the CA's CRL
    before = _rss_mb()
    measure(pdfs[:2], root, crls)
    out.send(_rss_mb() - before)


def grown_mb(measure, pdfs: list[bytes], root: Path, crls: list[Path]) -> float:  # type: ignore[no-untyped-def]
    """MB a fresh interpreter grows by validating with these CRLs (its modules loaded first: only what it keeps counts)."""
    ctx = multiprocessing.get_context("spawn")
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_grown, args=(measure, pdfs, root, crls, writer))
    child.start()
    grown = reader.recv()
    child.join()
    return float(grown)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0,2000,20000,100000", help="entries of the CA's CRL, comma-separated")
    parser.add_argument("--documents", type=int, default=20)
    args = parser.parse_args()
    pki, signers, stranger = build_pki()
    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(Path(tmp) / "bench", pki, signers, stranger)
        pdfs = [world.signed("stc", pdf=world.document(issuer="SỞ TÀI CHÍNH", number=f"{i + 1}/STC-VP"))
                for i in range(args.documents)]
        root, root_crl = world.root / "pki/root.pem", world.root / "pki/root.crl"
        print(f"machine: {platform.machine()}, Python {platform.python_version()}; {len(pdfs)} documents signed by "
              f"Sở Tài chính (ECDSA), CPU a validation")
        print(f"{'CRL entries':>12} {'CRL size':>9} {'bare pyHanko':>13} {'gateway':>9} {'ratio':>6}"
              f"   memory kept: {'pyHanko':>8} {'gateway':>8}")
        sizes = [int(s) for s in args.sizes.split(",")]
        crls = {size: national_crl(pki, size, Path(tmp) / f"ca-{size}.crl") for size in sizes}
        memory = {size: (grown_mb(bare_pyhanko, pdfs, root, [crls[size], root_crl]),
                         grown_mb(gateway, pdfs, root, [crls[size], root_crl])) for size in sizes}
        # pyHanko bare first: the gateway's validator puts its speedups in pyHanko's place for the process
        bare = {size: bare_pyhanko(pdfs, root, [crls[size], root_crl]) for size in sizes}
        for size in sizes:
            ours = gateway(pdfs, root, [crls[size], root_crl])
            print(f"{size:>12,} {crls[size].stat().st_size / 1024:>7.0f} KB {1000 * bare[size]:>10.1f} ms "
                  f"{1000 * ours:>6.1f} ms {ours / bare[size]:>6.2f}   {memory[size][0]:>16.0f} MB {memory[size][1]:>5.0f} MB")


if __name__ == "__main__":
    main()
