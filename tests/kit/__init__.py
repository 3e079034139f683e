"""The tests' kit: the demo's PKI, documents, mails, seal and signatures (gateway/demo), and what
only the tests use (a stamping signature in signing.py, the reader's cases in reading_cases.py)."""

from gateway.demo.documents import DocumentSpec, font_file, render_document, scan
from gateway.demo.mails import DkimKey, make_mail, signed_header_names
from gateway.demo.pki import DemoPki, Identity
from gateway.demo.seal import seal_png
from gateway.demo.signing import pdf_signer, sign_pdf
from kit.signing import blank_document, box_between, sign_with_stamp

__all__ = ["DemoPki", "DkimKey", "DocumentSpec", "Identity", "blank_document", "box_between", "font_file", "make_mail",
           "pdf_signer", "render_document", "scan", "seal_png", "sign_pdf", "sign_with_stamp", "signed_header_names"]
