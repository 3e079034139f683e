"""Text a page's text layer holds but a person does not see.

A born-digital page is read from its text layer, so what is registered must be what the page shows.
Text can be there and not be seen: drawn white on the white paper, almost transparent, a fraction of
a point high, or painted over afterwards by an opaque shape or picture. A forger used each to have
another number, date, issuer or recipient registered than the one printed (red team, issue 12).
Text drawn invisibly on purpose (render mode 3, a scanner's OCR under its image) is the layout's
concern and left out before this; so is what MuPDF draws for an empty signature field.

Judged from the spans of the text layer (their colour, opacity and size) and, where the page fills
shapes or draws pictures at all, from MuPDF's trace of what it draws, in order. A span of fewer than
two letters or digits is no finding (a stray accent left 1 pt high in a real office file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pymupdf

FAINT = 0.2  # text drawn less opaque than this is not seen
TINY = 2.0  # points: text smaller than this is not read by anyone
PALE = 0.94  # every channel of a colour above this: paper white
COVERS = 0.6  # a shape or picture over this share of a text's box hides it
OPAQUE = 0.9  # a shape filled at least this opaque hides what it is drawn over
ANNOTATION = 0.5  # a fill this much inside an annotation's box is the annotation's (MuPDF draws it a little shifted)
WORDS = 2  # letters and digits a span needs to be a finding

Why = Literal["faint", "tiny", "white", "covered"]
HIDDEN_WHY: dict[str, str] = {"faint": "gần như trong suốt", "tiny": "cỡ chữ quá nhỏ", "white": "chữ trắng trên nền trắng",
                              "covered": "bị hình hoặc ảnh che"}


@dataclass(frozen=True)
class HiddenText:
    text: str
    origin: tuple[float, float]  # where its first letter stands: how the text layer's span is matched
    why: Why


@dataclass(frozen=True)
class _Fill:
    order: int  # its place in the order the page draws things
    box: pymupdf.Rect
    opaque: bool  # hides what lies under it
    pale: bool  # white or nearly: a background white text would not show on


DrawingLog = list[tuple[str, Any]]  # what a page draws, in order: (kind, box), PyMuPDF's Page.get_bboxlog()


def hidden_text(page: pymupdf.Page, spans: list[dict[str, Any]], log: DrawingLog) -> list[HiddenText]:
    """Of the page's spans (PyMuPDF's "dict" spans), those no one sees, with why; `log`: what the page draws."""
    spans = [s for s in spans if sum(c.isalnum() for c in s.get("text", "")) >= WORDS]
    if not spans:
        return []
    hidden = [HiddenText(s["text"], tuple(s["origin"]), why) for s in spans if (why := _unseen_alone(s)) is not None]
    if not any(kind in ("fill-path", "fill-image", "fill-shade") for kind, _ in log):  # white paper, nothing over it
        return hidden + [HiddenText(s["text"], tuple(s["origin"]), "white") for s in spans
                         if _pale_int(s.get("color", 0)) and _unseen_alone(s) is None]
    fills = _fills(page, log)
    found = {h.origin for h in hidden}
    for trace in page.get_texttrace():
        origin = tuple(trace["chars"][0][2]) if trace.get("chars") else None
        text = "".join(chr(c[0]) for c in trace.get("chars", ()) if c[0] >= 0).strip()
        span = next((s for s in spans if origin is not None and _near(tuple(s["origin"]), origin)
                     and s["text"].strip() == text and tuple(s["origin"]) not in found), None)
        if span is not None and (why := _unseen_among(trace, fills)) is not None:
            hidden.append(HiddenText(span["text"], tuple(span["origin"]), why))
    return hidden


def _unseen_alone(span: dict[str, Any]) -> Why | None:
    if span.get("alpha", 255) < FAINT * 255:
        return "faint"
    if span.get("size", 12.0) < TINY:
        return "tiny"
    return None


def _unseen_among(trace: dict[str, Any], fills: list[_Fill]) -> Why | None:
    """Why a traced span is not seen, for what the page draws under and over it."""
    box = pymupdf.Rect(trace["bbox"])
    order = trace["seqno"]
    if _pale(trace.get("color")) and not any(f.order < order and not f.pale and _covered(box, f.box) for f in fills):
        return "white"
    if any(f.order > order and f.opaque and _covered(box, f.box) for f in fills):
        return "covered"
    return None


def _fills(page: pymupdf.Page, log: list[tuple[str, Any]]) -> list[_Fill]:
    """The filled shapes and the pictures the page draws, in order, and whether each hides what is
    under it (a picture with a transparent background, a signature's, does not)."""
    fills = [_Fill(d["seqno"], pymupdf.Rect(d["rect"]), (d.get("fill_opacity") or 0) >= OPAQUE, _pale(d.get("fill")))
             for d in page.get_drawings() if d.get("fill") is not None]
    images = [info for info in page.get_image_info() if info.get("has-mask")]
    for order, (kind, box) in enumerate(log):
        if kind in ("fill-image", "fill-shade"):
            rect = pymupdf.Rect(box)
            masked = any(_same(rect, pymupdf.Rect(info["bbox"])) for info in images)
            fills.append(_Fill(order, rect, opaque=not masked, pale=False))
    # what annotations draw (a signature's box, a note) is judged by the signatures' checks, which know
    # whether it came after signing: only the page's own drawing is weighed here
    annotations = [annot.rect for annot in page.annots()] + [w.rect for w in page.widgets()]
    return [f for f in fills if not any(_covered(f.box, a, ANNOTATION) for a in annotations)]


def _covered(box: pymupdf.Rect, fill: pymupdf.Rect, share: float = COVERS) -> bool:
    area = box.get_area()
    return area > 0 and (box & fill).get_area() >= share * area


def _same(a: pymupdf.Rect, b: pymupdf.Rect) -> bool:
    return max(abs(a.x0 - b.x0), abs(a.y0 - b.y0), abs(a.x1 - b.x1), abs(a.y1 - b.y1)) < 1.0


def _near(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return abs(a[0] - b[0]) < 1.0 and abs(a[1] - b[1]) < 1.0


def _pale_int(colour: int) -> bool:
    """An sRGB integer (a "dict" span's colour) as pale as paper."""
    return all((colour >> shift) & 0xFF >= PALE * 255 for shift in (16, 8, 0))


def _pale(colour: Any) -> bool:
    return isinstance(colour, (tuple, list)) and len(colour) > 0 and all(c >= PALE for c in colour)
