"""Nothing a mail does reads a table that grows for years. Every statement intake runs while it records
an accepted mail, a forged one (held for review, the clerk alerted) and the same forger again (its
alert held back), what the desk asks to show a document with its history, the issuer's recall of
the document, and what sending one of our documents asks (twice: the second time it is found
sent), finds its rows by an index: SQLite's plan reads none of the register's growing tables whole (a scan, or a search by the
agency's code alone, which every row has). (A duplicate lookup asked as
an OR read the agency's whole register for every mail: 62 ms a mail at 200,000 documents, where
bench/register_growth.py now measures 5 to 7, flat.)"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from gateway.exchange.status import RECALL
from world import STC, STP, World

GROWING = ("mails", "documents", "document_files", "outbox", "audit_log", "outgoing_documents",
           "outgoing_recipients", "assignments")
# an agency's register has one code, a year is a year's mail, and an answer's kind (most are acknowledgements)
EVERY_ROW = {"agency_code", "year", "kind"}


def reads_whole(step: str) -> bool:
    """A plan step that reads a growing table whole: a SCAN, or a SEARCH by columns that choose nothing."""
    words = step.split()
    if len(words) < 2 or words[1] not in GROWING:
        return False
    if words[0] == "SCAN":
        return True
    columns = set(re.findall(r"(\w+)[=<>]", step.partition("(")[2]))
    return words[0] == "SEARCH" and bool(columns) and columns <= EVERY_ROW


def test_every_statement_of_a_mails_recording_finds_its_rows_by_an_index(world: World) -> None:
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.analysis import Analyser
    from gateway.intake.pipeline import IncomingMail, Intake
    from gateway.model import PdfFacts, WorkFailure
    from gateway.outgoing.send import OutgoingFile, OutgoingSender
    from kit import DocumentSpec, render_document
    from registry.desk_reads import document_view, today
    from registry.models import Document

    accepted = world.mail("signed", sender=STC, attachments=[("cv.pdf", world.signed("stc", world.document(
        issuer="SỞ TÀI CHÍNH", number="12/STC-VP")))], headers={"X-QLVB-Document-Id": "STC-2027.12"})  # a peer gateway's
    forged = [world.mail(f"forged-{i}", sender=STP, auth=None, attachments=[("cv.pdf", world.document(
        number=f"9{i}/STP-VP"))]) for i in range(2)]
    os.chdir(world.root)
    gateway = Gateway.open(load_config(Path(world.config_path)))
    analyser = Analyser(gateway.analysis_settings())
    intake = Intake(gateway, None)  # type: ignore[arg-type]  # recording only: no worker is asked
    asked: list[tuple[str, Any]] = []

    @event.listens_for(gateway.register.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            asked.append((statement, parameters))

    outcomes = [o for path in (accepted, *forged)
                for o in intake.record_many([(IncomingMail(str(path), path.read_bytes()), analyser.analyse(path.read_bytes()))])]
    assert [o.documents[0].verdict for o in outcomes] == ["accepted", "quarantined", "quarantined"]
    assert {r.kind for r in outcomes[0].documents[0].replies} == {"ack"}
    assert [r.kind for r in outcomes[1].documents[0].replies] == ["alert"]  # the first forged mail: its alert
    assert not outcomes[2].documents[0].replies  # the second: held back (the alerts were looked up)
    with gateway.register.session() as session:
        [document_id] = session.scalars(select(Document.id)).all()
        del asked[-1]  # the test's own question
        view = document_view(session, document_id)  # the desk: the document, its mail, files, answers, history
        assert view is not None and view.history
        assert {a.kind for a in view.answers} == {"ack", "processing"}  # the peer gateway told it waits (04)
        landing = today(session, date.today())  # the desk's landing page
        assert [m.id for m in landing.waiting] and landing.registered

    class InProcess:  # the workers' own reading, in this process
        def read_pdf(self, filename: str, data: bytes) -> PdfFacts | WorkFailure:
            return analyser.read_outgoing(filename, data)

    ours = render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number="45/SNV-VP", kinh_gui=["Sở Tư pháp"], recipients=[
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;", "- Giám đốc Sở Tài chính."]))
    recall = world.mail("recall", sender=STC, subject="Thu hồi văn bản STC-2027.12", body="Đề nghị thu hồi.\n", headers={
        "X-QLVB-Status": RECALL, "X-QLVB-Document-Id": "STC-2027.12", "X-QLVB-Recall-Reason": "Sai thể thức"})
    [recalled] = intake.record_many([(IncomingMail(str(recall), recall.read_bytes()), analyser.analyse(recall.read_bytes()))])
    assert recalled.documents[0].verdict == "ignored"
    with gateway.register.session() as session:
        assert session.get(Document, document_id).recalled  # type: ignore[union-attr]
        del asked[-1]  # the test's own question
    sender = OutgoingSender(gateway, InProcess())
    first, again = (sender.send(OutgoingFile("out.pdf", "out.pdf", ours)) for _ in range(2))
    assert first.plan.identifier and not first.already_sent and again.already_sent
    event.remove(gateway.register.engine, "before_cursor_execute", keep)

    assert len(asked) > 10
    with gateway.register.engine.connect() as connection:
        cursor = connection.connection.cursor()
        for statement, parameters in asked:
            plan = [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()]
            whole = [step for step in plan if reads_whole(step)]
            assert not whole, f"{statement}\n{plan}"
    gateway.register.close()
