"""Text a page's text layer holds but a person does not see.

A born-digital page is read from its text layer, so what is registered must be what the page shows.
Text can be there and not be seen: drawn white on the white paper or in its background's colour,
almost transparent, a fraction of a point high, or painted over afterwards by an opaque shape, a
thick line or a picture drawn at full opacity. A forger used each to have
another number, date, issuer or recipient registered than the one printed (red team, issue 12).
Text drawn invisibly on purpose (render mode 3, a scanner's OCR under its image) is the layout's
concern and left out before this; so is what MuPDF draws for an empty signature field.

Judged from the spans of the text layer (their colour, opacity and size) and, where the page fills
shapes or draws pictures at all, from MuPDF's trace of what it draws, in order. Whether a finding
matters (the text layer alone reads another particular) is the reader's to say (reading.read_document). A span of fewer than
two letters or digits is no finding (a stray accent left 1 pt high in a real office file).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pymupdf

FAINT = 0.2  # text drawn less opaque than this is not seen
TINY = 2.0  # points: text smaller than this is not read by anyone
PALE = 0.94  # every channel of a colour above this: paper white
COVERS = 0.6  # a shape or picture over this share of a text's box hides it
OPAQUE = 0.9  # a shape filled at least this opaque hides what it is drawn over
SAME_COLOUR = 0.12  # text within this of its background's colour, channel by channel, does not stand out
ANNOTATION = 0.5  # a fill this much inside an annotation's box is the annotation's (MuPDF draws it a little shifted)
WORDS = 2  # letters and digits a span needs to be a finding

Why = Literal["faint", "tiny", "white", "same-colour", "covered"]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1: plain numbers (a page has thousands of them to weigh)
HIDDEN_WHY: dict[str, str] = {"faint": "gần như trong suốt", "tiny": "cỡ chữ quá nhỏ", "white": "chữ trắng trên nền trắng",
                              "same-colour": "chữ cùng màu với nền", "covered": "bị hình hoặc ảnh che"}


@dataclass(frozen=True)
class HiddenText:
    text: str
    origin: tuple[float, float]  # where its first letter stands: how the text layer's span is matched
    why: Why


@dataclass(frozen=True)
class _Fill:
    order: int  # its place in the order the page draws things
    box: Box
    opaque: bool  # hides what lies under it
    colour: tuple[float, float, float] | None  # RGB; None: a picture's, of many colours


@dataclass(frozen=True)
class Drawn:
    """One thing a page draws, in the order it draws them (PyMuPDF's bbox log, images with their opacity)."""

    kind: str  # "fill-text", "fill-path", "stroke-path", "fill-image", "fill-shade", …
    box: tuple[float, float, float, float]
    opaque: bool = True  # a picture drawn at full opacity without a soft mask (a watermark at 12 % is not)


DrawingLog = list[Drawn]


class _DrawingDevice(pymupdf.JM_new_bbox_device_Device):  # PyMuPDF's own bbox device
    """PyMuPDF's bbox log (Page.get_bboxlog), each picture with whether it hides what lies under it."""

    def __init__(self, result: list[Any]) -> None:
        super().__init__(result, False)

    def fill_image(self, ctx: Any, image: Any, ctm: Any, alpha: float, color_params: Any) -> None:
        unit = pymupdf.mupdf.FzRect(pymupdf.mupdf.FzRect.Fixed_UNIT)  # kept alive while its pointer is used
        box = pymupdf.JM_py_from_rect(pymupdf.mupdf.ll_fz_transform_rect(unit.internal(), ctm))
        self.result.append(("fill-image", box, alpha >= OPAQUE and not image.mask))


def drawing_log(page: pymupdf.Page) -> DrawingLog:
    """What the page draws, in order, in the page's own (unrotated) frame, as MuPDF's text trace gives."""
    rotation = page.rotation
    if rotation:
        page.set_rotation(0)
    found: list[Any] = []
    try:
        device = _DrawingDevice(found)
        pymupdf.mupdf.fz_run_page(page.this, device, pymupdf.mupdf.FzMatrix(), pymupdf.mupdf.FzCookie())
        pymupdf.mupdf.fz_close_device(device)
    finally:
        if rotation:
            page.set_rotation(rotation)
    return [Drawn(entry[0], tuple(entry[1]), entry[2] if len(entry) > 2 else True) for entry in found]


def hidden_text(page: pymupdf.Page, spans: list[dict[str, Any]], log: DrawingLog) -> list[HiddenText]:
    """Of the page's spans (PyMuPDF's "dict" spans), those no one sees, with why; `log`: what the page draws."""
    spans = [s for s in spans if sum(c.isalnum() for c in s.get("text", "")) >= WORDS]
    if not spans:
        return []
    hidden = [HiddenText(s["text"], tuple(s["origin"]), why) for s in spans if (why := _unseen_alone(s)) is not None]
    annots = list(page.annots())
    if not any(_may_hide(d) for d in log) and not any(_covers(a) for a in annots):  # white paper, nothing over it
        return hidden + [HiddenText(s["text"], tuple(s["origin"]), "white") for s in spans
                         if _pale_int(s.get("color", 0)) and _unseen_alone(s) is None]
    fills = _fills(page, log, annots)
    found = {h.origin for h in hidden}
    by_place: dict[tuple[int, int], list[int]] = {}  # the spans by the point their origin lies in
    for index, span in enumerate(spans):
        by_place.setdefault(_cell(span["origin"]), []).append(index)
    for trace in page.get_texttrace():
        if not trace.get("chars"):
            continue
        origin = tuple(trace["chars"][0][2])
        text = "".join(chr(c[0]) for c in trace["chars"] if c[0] >= 0).strip()
        x, y = _cell(origin)  # a span within a point of it lies in this cell or one beside it
        nearby = sorted(i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in by_place.get((x + dx, y + dy), ()))
        match = next((spans[i] for i in nearby if _near(tuple(spans[i]["origin"]), origin)
                      and spans[i]["text"].strip() == text and tuple(spans[i]["origin"]) not in found), None)
        if match is not None and (why := _unseen_among(trace, fills)) is not None:
            hidden.append(HiddenText(match["text"], tuple(match["origin"]), why))
    return hidden


def _cell(point: Any) -> tuple[int, int]:
    return math.floor(point[0]), math.floor(point[1])


def _may_hide(drawn: Drawn) -> bool:
    """Whether the thing drawn may hide text or be its background: a filled shape, a picture, a line
    thicker than a hairline (a rule under a title is no band, nor is a seal's ring or a box's outline),
    never a gradient (bounded by the plane)."""
    x0, y0, x1, y1 = drawn.box
    thin, long = sorted((max(0.0, x1 - x0), max(0.0, y1 - y0)))
    return drawn.kind in ("fill-path", "fill-image") or (drawn.kind == "stroke-path" and TINY <= thin <= 0.3 * long)


def _unseen_alone(span: dict[str, Any]) -> Why | None:
    if span.get("alpha", 255) < FAINT * 255:
        return "faint"
    if span.get("size", 12.0) < TINY:
        return "tiny"
    return None


def _unseen_among(trace: dict[str, Any], fills: list[_Fill]) -> Why | None:
    """Why a traced span is not seen, for what the page draws under and over it: what is drawn over it
    hides it when it covers most of it, in one piece or several; under it, the last thing drawn that
    covers it is its background (white paper where nothing is), of which its colour must stand out."""
    box: Box = tuple(trace["bbox"])
    order = trace["seqno"]
    if _share(box, [f.box for f in fills if f.order > order and f.opaque]) >= COVERS:
        return "covered"
    colour = _rgb(trace.get("color"))
    same = contrast = 0.0  # shares of the box whose background the text's colour matches, or stands out of
    for fill in reversed([f for f in fills if f.order < order and (f.opaque or f.colour is None)]):  # the topmost first
        share = _share(box, [fill.box])
        if colour is not None and fill.colour is not None and _close(colour, fill.colour):
            same += share
        else:
            contrast += share
        if same + contrast >= COVERS:
            break
    if same + contrast < COVERS:  # on the paper
        return "white" if _pale(trace.get("color")) else None
    return None if contrast >= same else ("white" if colour is not None and _pale(colour) else "same-colour")


def _fills(page: pymupdf.Page, log: DrawingLog, annots: list[pymupdf.Annot]) -> list[_Fill]:
    """The shapes (filled or stroked) and the pictures the page draws, in order: whether each hides what
    is under it (a picture at low opacity or with a transparent background, a signature's, does not),
    and its colour (a picture's: unknown). Gradients are left aside: MuPDF bounds them by the whole plane."""
    fills: list[_Fill] = []
    for d in page.get_cdrawings():  # as get_drawings gives them, without making an object of every point
        rect: Box = tuple(d["rect"])
        width = d.get("width") or 0
        if d.get("fill") is not None:
            fills.append(_Fill(d["seqno"], rect, (d.get("fill_opacity") or 0) >= OPAQUE, _rgb(d["fill"])))
        elif d.get("type") in ("f", "fs"):  # filled with a pattern: a background of unknown colour, never a cover
            fills.append(_Fill(d["seqno"], rect, False, None))
        if d.get("color") is not None and min(_width(rect), _height(rect)) < width:  # a thick line draws a band, as a fill does
            x0, y0, x1, y1 = rect
            fills.append(_Fill(d["seqno"], (x0 - width / 2, y0 - width / 2, x1 + width / 2, y1 + width / 2),
                               (d.get("stroke_opacity") or 0) >= OPAQUE, _rgb(d["color"])))
    fills += [_Fill(order, d.box, d.opaque, None) for order, d in enumerate(log)
              if d.kind == "fill-image" and d.opaque]  # a picture seen through is neither a cover nor a background
    fills.sort(key=lambda f: f.order)
    # what annotations draw (a signature's box, a note) is judged by the signatures' checks, which know
    # whether it came after signing: only the page's own drawing is weighed here; but a shape annotation filled opaque
    # hides what lies under it, signed or not, as any viewer draws it over the page (red team 112: a white square over
    # "- Sở Tài chính." of an unsigned letter; its box is the cover, drawn after everything the page draws)
    annotations: list[Box] = [tuple(annot.rect) for annot in annots] + [tuple(w.rect) for w in page.widgets()]
    own = [f for f in fills if not any(_share(f.box, [a]) >= ANNOTATION for a in annotations)]
    last = max((f.order for f in fills), default=0) + 1
    return own + [_Fill(last, tuple(annot.rect), True, None) for annot in annots if _covers(annot)]


_SHAPES = frozenset({"Square", "Circle", "Polygon", "FreeText"})  # an unapplied redaction marks, it does not hide


def _covers(annot: pymupdf.Annot) -> bool:
    """A shape annotation filled with a colour at full opacity (-1: none set, full), blended normally (a "Multiply"
    square is a highlight the text shows through: red team 113); a FreeText box's background is its /C."""
    kind = annot.type[1]
    fill = annot.colors.get("stroke" if kind == "FreeText" else "fill") or ()
    return (kind in _SHAPES and len(fill) == 3 and (annot.opacity < 0 or annot.opacity >= OPAQUE)
            and (annot.blendmode or "Normal") == "Normal")


def _share(box: Box, covers: list[Box]) -> float:
    """How much of the box the covers take, together (where two overlap, counted twice: never less)."""
    area = _width(box) * _height(box)
    if area <= 0:
        return 0.0
    x0, y0, x1, y1 = box
    return sum(max(0.0, min(x1, c[2]) - max(x0, c[0])) * max(0.0, min(y1, c[3]) - max(y0, c[1])) for c in covers) / area


def _width(box: Box) -> float:
    return max(0.0, box[2] - box[0])


def _height(box: Box) -> float:
    return max(0.0, box[3] - box[1])


def _close(a: Any, b: Any) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=False)) < SAME_COLOUR


def _rgb(colour: Any) -> tuple[float, float, float] | None:
    return tuple(colour) if isinstance(colour, (tuple, list)) and len(colour) == 3 else None


def _near(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return abs(a[0] - b[0]) < 1.0 and abs(a[1] - b[1]) < 1.0


def _pale_int(colour: int) -> bool:
    """An sRGB integer (a "dict" span's colour) as pale as paper."""
    return all((colour >> shift) & 0xFF >= PALE * 255 for shift in (16, 8, 0))


def _pale(colour: Any) -> bool:
    return isinstance(colour, (tuple, list)) and len(colour) > 0 and all(c >= PALE for c in colour)

