"""The edXML status codes gateways tell each other in X-QLVB-Status (QCVN 102:2016), defined once."""

from __future__ import annotations

RETURNED = "02"  # the recipient refused the document, with its reasons
ACKNOWLEDGED = "03"  # the recipient registered it, with its incoming number
RECALL = "13"  # the issuer recalls it
RECALL_AGREED = "15"  # the recipient destroyed it as the recall asked
RECALL_UNKNOWN = "16"  # the recipient never registered it
WAITING = "04"  # chờ phân công: registered, waiting to be passed on
PROCESSING = "05"  # đang xử lý: passed on to a unit
DONE = "06"  # đã xử lý xong: the lead unit has done with it
PROCESSING_STATES = (WAITING, PROCESSING, DONE)  # in their order: a later one never goes back to an earlier
