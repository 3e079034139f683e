"""Delivery reports (RFC 3464) that come back for the answers the gateway sent: which message they
are about, the X-QLVB-Token its returned headers carry (the proof the report saw our mail), and what
happened to it. Pure: parsed bytes in, a finding out."""

from __future__ import annotations

import email
import email.message
import email.policy

from gateway.exchange.tokens import HEADER
from gateway.model import DeliveryReport

__all__ = ["DeliveryReport", "delivery_report", "read_delivery_report"]


def read_delivery_report(raw: bytes) -> DeliveryReport | None:
    """The report a multipart/report; report-type=delivery-status message carries, if it is one
    and names the original message."""
    return delivery_report(email.message_from_bytes(raw, policy=email.policy.compat32))


def delivery_report(msg: email.message.Message) -> DeliveryReport | None:
    """read_delivery_report of a mail already parsed (compat32)."""
    if msg.get_content_type() != "multipart/report" or msg.get_param("report-type") != "delivery-status":
        return None
    message_id, token, actions, details = None, None, [], []
    failed_for: list[str] = []
    delivered_for: list[str] = []
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            groups = part.get_payload()
            for fields in groups if isinstance(groups, list) else []:
                if isinstance(fields, email.message.Message) and fields.get("Action"):
                    actions.append(fields["Action"].strip().lower())
                    named = [_address(fields[k]) for k in ("Final-Recipient", "Original-Recipient") if fields.get(k)]
                    # delivered: the recipient has it; expanded or relayed says nothing of whether anybody does (red team 161)
                    (failed_for if actions[-1] == "failed" else delivered_for if actions[-1] == "delivered" else []).extend(named)
                    details.append(" ".join(f"{k}: {fields[k]}".strip() for k in ("Final-Recipient", "Status", "Diagnostic-Code")
                                            if fields.get(k)))
        elif kind in ("message/rfc822", "text/rfc822-headers") and message_id is None:
            inner = _returned_headers(part)
            if inner is None:
                continue
            message_id = (inner.get("Message-ID") or "").strip() or None
            token = (inner.get(HEADER) or "").strip() or None
    if message_id is None or not actions:
        return None
    failed = "failed" in actions
    return DeliveryReport(message_id, token, failed, "failed" if failed else actions[0], "; ".join(details)[:500],
                          tuple(failed_for), tuple(delivered_for))


def _address(field: str) -> str:
    """"rfc822; Vanthu@Sotp.example" → "vanthu@sotp.example" (RFC 3464 §2.3.2: an address type, then the address)."""
    return field.rpartition(";")[2].strip().strip("<>").lower()


def _returned_headers(part: email.message.Message) -> email.message.Message | None:
    """The headers of our message as the report returns them (a whole message, or its headers alone)."""
    if part.get_content_type() == "text/rfc822-headers":
        headers = part.get_payload(decode=True)
        return email.message_from_string(headers.decode("utf-8", "replace") if isinstance(headers, bytes) else "")
    payload = part.get_payload()
    return payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message) else None
