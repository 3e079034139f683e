"""Our own agency's letters, and the agency as `qlvb-gateway send` and the outgoing folder run it, in the test's
process: Sở Nội vụ's gateway with its key configured (PKCS#12), its PDFs read as a worker reads them (in this process),
mailing to a real SMTP server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from kit import DocumentSpec, render_document, seal_png
from servers import free_port
from world import US, World, make_world


BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp."]


def letter(number: str, **changes: Any) -> bytes:
    spec: dict[str, Any] = dict(issuer="SỞ NỘI VỤ", number=number, recipients=BLOCK, kinh_gui=["Sở Tư pháp"])
    return render_document(DocumentSpec(**{**spec, **changes}))


@contextmanager
def signing_agency(root: Path, province: Any, handler: Any, password_env: str, directory: str | None = None,
                   database: str | None = None) -> Iterator[tuple[World, Any, Any]]:
    """(the world, the opened gateway, its OutgoingSender); `handler`: the SMTP server's (aiosmtpd); `directory`: the
    directory's CSV, if not the world's; `database`: the register's URL, if not the world's SQLite file."""
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.analysis import Analyser
    from gateway.model import PdfFacts, WorkFailure
    from gateway.outgoing.send import OutgoingSender

    pki, signers, stranger = province
    world = make_world(root, pki, signers, stranger)
    if directory is not None:
        (world.root / "directory.csv").write_text(directory, encoding="utf-8")
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    keys = world.root / "keys"
    keys.mkdir()
    (keys / "seal.png").write_bytes(seal_png())
    identity = pki.signers.get(US["name"]) or pki.signer(US["name"], US["name"])
    (keys / "agency.p12").write_bytes(pki.pkcs12(identity, b"p12-secret"))
    world.extra["signing"] = {"pkcs12": "keys/agency.p12", "password_env": password_env,
                              "appearance": {"seal_image": "keys/seal.png"}}
    world.extra["smtp"] = {"host": "127.0.0.1", "port": controller.port, "security": "none"}
    if database is not None:
        world.extra["database"] = database
    world.write_config()
    os.environ[password_env] = "p12-secret"
    before = os.getcwd()
    os.chdir(world.root)
    gateway = Gateway.open(load_config(Path(world.config_path)))
    analyser = Analyser(gateway.analysis_settings())

    class InProcess:  # the workers' own reading, in this process
        def read_pdf(self, filename: str, data: bytes) -> PdfFacts | WorkFailure:
            return analyser.read_outgoing(filename, data)

    try:
        yield world, gateway, OutgoingSender(gateway, InProcess())
    finally:
        gateway.close()
        os.chdir(before)
        controller.stop()
        del os.environ[password_env]
