"""Delivery reports (RFC 3464) that come back for the answers the gateway sent: which message they
are about and what happened to it. Pure: parsed bytes in, a finding out."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryReport:
    message_id: str  # of the gateway's message the report is about
    failed: bool  # Action: failed (a permanent failure); else delayed, delivered, relayed, expanded
    action: str
    detail: str  # Status and Diagnostic-Code, as the reporting server wrote them


def read_delivery_report(raw: bytes) -> DeliveryReport | None:
    """The report a multipart/report; report-type=delivery-status message carries, if it is one
    and names the original message."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if msg.get_content_type() != "multipart/report" or msg.get_param("report-type") != "delivery-status":
        return None
    message_id, actions, details = None, [], []
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for fields in part.get_payload() or []:
                if fields.get("Action"):
                    actions.append(fields["Action"].strip().lower())
                    details.append(" ".join(f"{k}: {fields[k]}".strip() for k in ("Final-Recipient", "Status", "Diagnostic-Code") if fields.get(k)))
        elif kind in ("message/rfc822", "text/rfc822-headers") and message_id is None:
            inner = part.get_payload(0) if kind == "message/rfc822" else email.message_from_string(part.get_payload(decode=True).decode("utf-8", "replace"))
            message_id = (inner.get("Message-ID") or "").strip() or None
    if message_id is None or not actions:
        return None
    failed = "failed" in actions
    return DeliveryReport(message_id, failed, "failed" if failed else actions[0], "; ".join(details)[:500])
