"""A batch the daemon records in one transaction (Intake.record_many): the register is asked once which
of its mails it holds already, and a mail that comes twice (in the register and again, or twice in one
batch: a server delivering it twice) is still recorded once, answered once, numbered once, the batch still in one transaction."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from world import STC, World


def test_a_mail_seen_before_or_twice_in_a_batch_is_recorded_once(world: World, caplog) -> None:  # type: ignore[no-untyped-def]
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.analysis import Analyser
    from gateway.intake.pipeline import IncomingMail, Intake
    from registry.models import Mail, Outbox

    mails = [world.mail(f"m{i}", sender=STC, attachments=[("cv.pdf", world.signed("stc", world.document(
        issuer="SỞ TÀI CHÍNH", number=f"{i + 1}/STC-VP")))]) for i in range(3)]
    os.chdir(world.root)
    gateway = Gateway.open(load_config(Path(world.config_path)))
    analyser = Analyser(gateway.analysis_settings())
    intake = Intake(gateway, None)  # type: ignore[arg-type]  # recording only: no worker is asked
    analysed = {path: (IncomingMail(str(path), path.read_bytes()), analyser.analyse(path.read_bytes())) for path in mails}

    [first] = intake.record_many([analysed[mails[0]]])
    batch = intake.record_many([analysed[mails[0]], analysed[mails[1]], analysed[mails[1]], analysed[mails[2]]])
    assert "recording them one by one" not in caplog.text  # one transaction, as the daemon means it
    seen = [(o.documents[0].incoming_number, o.documents[0].already_processed) for o in batch]
    assert first.documents[0].incoming_number == 1
    assert seen == [(1, True), (2, False), (2, True), (3, False)]
    assert [len(o.documents[0].replies) for o in batch] == [0, 1, 0, 1]  # answered once each
    with gateway.register.session() as session:
        assert session.scalar(select(func.count()).select_from(Mail)) == 3
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "ack")) == 3
    gateway.register.close()
