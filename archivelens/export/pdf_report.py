"""The one-page report as a PDF, made by archivelens itself (no browser): what ``report.html``
says (:mod:`archivelens.export.page`), laid out with fpdf2 on one page of A4 or Letter.

Text is DejaVu Sans, bundled (``resources/fonts``) and embedded as a subset, so the PDF looks
the same on every machine. CJK text is set in a CJK font found on the computer (Windows, macOS
and most Linux desktops have one; bundling one would add 10–20 MB); without one, such a letter
prints as "□" and an emoji is left out — report.html shows both as the browser does.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from archivelens.analysis import report
from archivelens.analysis.comparison import Compared
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError, sentence_for_os_error
from archivelens.export import csvset, landing
from archivelens.export import page as pages

PAPERS = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN = 11.0
# The page's budget: the narrower paper's width and the shorter one's height, so that the same
# layout fits both.
WIDTH = min(w for w, _ in PAPERS.values()) - 2 * MARGIN
HEIGHT = min(h for _, h in PAPERS.values()) - 2 * MARGIN
FONT = "DejaVu"
GREY, INK, RULE = (102, 102, 102), (34, 34, 34), (227, 227, 234)
VERDICT_COLORS = {"better": (45, 125, 70), "worse": (179, 38, 30)}
# CJK fonts a computer may have, in order (a .ttc's first face is used).
CJK_FONTS = (
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msgothic.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
)


def file_name(scope: Scope) -> str:
    return f"archivelens-{scope.screen_name or scope.account_id}-{scope.generated_at:%Y-%m-%d}.pdf"


def export(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    folder: Path,
    rep: report.Report | None = None,
    paper: str = "A4",
    compared: Compared | None = None,
) -> Path:
    """Write the PDF into *folder* (complete, or not at all) and return its path."""
    data = render(pages.build(con, scope, rep, compared), paper)
    csvset.create_folder(folder)
    target = folder / file_name(scope)
    landing.check_destinations(folder, [target.name])
    work = csvset.scratch_folder(folder)
    try:
        (work / target.name).write_bytes(data)
        landing.land(work, folder, [target.name])
    except OSError as err:
        raise UserError(sentence_for_os_error(err, f"writing {target.name}")) from None
    finally:
        landing.discard(work)
    return target


def render(p: pages.Page, paper: str = "A4") -> bytes:
    """The page as PDF bytes, on *paper* ("A4" or "letter"); always one page."""
    return bytes(layout(p, paper)[0].output())


def layout(p: pages.Page, paper: str = "A4") -> tuple[Any, float]:
    """The laid-out document and the height it used below the top margin (at most ``HEIGHT``:
    the tests hold every page to it)."""
    pdf = _fpdf()(unit="mm", format=PAPERS[paper])
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_creator("ArchiveLens")
    pdf.set_title(p.title)
    fonts = _fonts(pdf)
    pdf.add_page()
    w = _Writer(pdf, fonts)
    w.head(p)
    w.cards(p)
    w.heading("What to change")
    w.advice(p)
    w.heading("Content mix over time")
    w.chart(p)
    w.heading("Against the common content-mix rules")
    w.bands(p)
    w.heading("Largest sales blasts")
    w.blasts(p)
    w.heading("Followers to review first")
    w.people(p)
    w.heading("What an archive cannot tell")
    w.lines(f"{p.cannot_tell} {p.workbook_note}", 3, size=7, color=GREY)
    return pdf, pdf.get_y() - MARGIN


def _fpdf() -> Any:
    """fpdf2's FPDF class. fpdf2 subclasses urllib's and http.client's HTTPS classes when
    imported (to fetch remote images, which the report never does); the app is built without
    SSL (nothing it does connects), where neither exists: classes that refuse stand in."""
    import http.client
    import urllib.error
    import urllib.request

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise urllib.error.URLError("archivelens makes no network connections")

    if not hasattr(http.client, "HTTPSConnection"):
        http.client.HTTPSConnection = type(  # type: ignore[misc,assignment]
            "HTTPSConnection", (http.client.HTTPConnection,), {"connect": refuse}
        )
    if not hasattr(urllib.request, "HTTPSHandler"):
        urllib.request.HTTPSHandler = type(  # type: ignore[misc,assignment]
            "HTTPSHandler", (urllib.request.BaseHandler,), {"https_open": refuse}
        )
    from fpdf import FPDF

    return FPDF


def _fonts(pdf: Any) -> list[frozenset[int]]:
    """Load DejaVu Sans (and a CJK fallback if the computer has one); return what each covers."""
    folder = resources.files("archivelens.resources").joinpath("fonts")
    regular = Path(str(folder.joinpath("DejaVuSans.ttf")))
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", Path(str(folder.joinpath("DejaVuSans-Bold.ttf"))))
    covered = [_cmap(str(regular))]
    cjk = next((f for f in CJK_FONTS if Path(f).is_file() and _loads(pdf, f)), None)
    if cjk:
        pdf.set_fallback_fonts(["CJK"], exact_match=False)
        covered.append(_cmap(cjk))
    return covered


def _loads(pdf: Any, path: str) -> bool:
    try:
        pdf.add_font("CJK", "", path)
    except Exception:  # a font fpdf2 cannot read (CFF outlines, a broken file): try the next
        return False
    return True


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


class _Writer:
    """Lays the page out top to bottom inside the budget box, one part after another."""

    def __init__(self, pdf: Any, fonts: list[frozenset[int]]) -> None:
        self.pdf, self.fonts = pdf, fonts
        self.left = MARGIN

    # -- text ----------------------------------------------------------------------------------

    def printable(self, text: str) -> str:
        """*text* with what no loaded font has replaced: an emoji or symbol left out, any other
        character shown as "□"."""
        out = []
        for ch in text:
            if any(ord(ch) in f for f in self.fonts):
                out.append(ch)
            elif unicodedata.category(ch) not in ("So", "Sk", "Mn", "Cf", "Cs", "Co"):
                out.append("□")
        return "".join(out)

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def fit(self, text: str, width: float) -> str:
        """*text* cut with "…" to *width* mm in the current font."""
        text = self.printable(text)
        if self.pdf.get_string_width(text) <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.pdf.get_string_width(text[:mid].rstrip() + "…") <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "…"

    def cell(self, x: float, width: float, text: str, height: float) -> None:
        self.pdf.set_xy(x, self.pdf.get_y())
        self.pdf.cell(width, height, self.fit(text, width - 0.6))

    def lines(
        self,
        text: str,
        most: int,
        size: float = 7.5,
        bold: bool = False,
        color: tuple[int, int, int] = INK,
        x: float | None = None,
        width: float = WIDTH,
    ) -> None:
        """*text* wrapped to at most *most* lines (the last cut with "…")."""
        self.font(size, bold, color)
        height = size * 0.45
        x = self.left if x is None else x
        wrapped = self.pdf.multi_cell(
            width, height, self.printable(text), dry_run=True, output="LINES"
        )
        if len(wrapped) > most:
            wrapped = [*wrapped[: most - 1], self.fit(" ".join(wrapped[most - 1 :]), width)]
        for line in wrapped:
            self.pdf.set_xy(x, self.pdf.get_y())
            self.pdf.cell(width, height, line)
            self.pdf.ln(height)

    def heading(self, text: str) -> None:
        self.pdf.ln(1.8)
        self.lines(text, 1, size=9, bold=True)
        self.pdf.ln(0.6)

    def rule(self) -> None:
        self.pdf.set_draw_color(*RULE)
        y = self.pdf.get_y()
        self.pdf.line(self.left, y, self.left + WIDTH, y)

    # -- parts ---------------------------------------------------------------------------------

    def head(self, p: pages.Page) -> None:
        b, pdf = p.brand, self.pdf
        x = self.left
        if b.logo:
            x += self.logo(b.logo) + 4
        self.lines(p.title, 1, size=13, bold=True, x=x, width=WIDTH - (x - self.left))
        self.lines(p.subtitle, 1, color=GREY, x=x, width=WIDTH - (x - self.left))
        prepared = pages.prepared_line(b)
        if prepared:
            self.lines(prepared, 2, bold=True, x=x, width=WIDTH - (x - self.left))
        pdf.set_y(max(pdf.get_y(), MARGIN + (12 if b.logo else 0)) + 1)
        if b.note:
            top = pdf.get_y()
            self.lines(b.note, 3, x=self.left + 2.5, width=WIDTH - 2.5)
            pdf.set_draw_color(46, 134, 171)
            pdf.set_line_width(0.8)
            pdf.line(self.left + 0.4, top, self.left + 0.4, pdf.get_y())
            pdf.set_line_width(0.2)
            pdf.ln(1)

    def logo(self, data: bytes) -> float:
        """Draw the logo at the top left, at most 13 mm high and 40 mm wide; its width."""
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as im:
                px_w, px_h = im.size
        except Exception:  # stored checked, but a damaged image must not stop the report
            return -4
        h = 12.0
        w = h * px_w / px_h
        if w > 40:
            w, h = 40.0, 40.0 * px_h / px_w
        self.pdf.image(io.BytesIO(data), self.left, MARGIN, w=w, h=h)
        return w

    def cards(self, p: pages.Page) -> None:
        pdf = self.pdf
        compared = any(c.before_after for c in p.cards)
        gap, top, height = 1.5, pdf.get_y() + 0.5, 16.3 if compared else 13.5
        width = (WIDTH - gap * (len(p.cards) - 1)) / len(p.cards)
        pdf.set_draw_color(204, 204, 221)
        for i, c in enumerate(p.cards):
            x = self.left + i * (width + gap)
            pdf.rect(x, top, width, height, style="D", round_corners=True, corner_radius=1)
            pdf.set_y(top + 0.6)
            self.lines(c.title, 1, size=6.5, x=x + 1.2, width=width - 2.4)
            self.lines(c.value, 1, size=10, bold=True, x=x + 1.2, width=width - 2.4)
            if c.before_after:
                color = VERDICT_COLORS.get(c.verdict or "", INK)
                self.lines(c.before_after, 1, size=6, color=color, x=x + 1.2, width=width - 2.4)
            self.lines(c.text, 2, size=5.5, color=GREY, x=x + 1.2, width=width - 2.4)
        pdf.set_y(top + height + 0.8)
        counted = " ".join(line for line in (p.tweets_line, p.compared_line) if line)
        self.lines(counted, 1, size=7, color=GREY)
        if p.earned:
            self.lines(p.earned, 1, size=7, color=GREY)

    def advice(self, p: pages.Page) -> None:
        if not p.advice:
            self.lines(p.no_advice or "", 2)
            return
        for n, a in enumerate(p.advice, start=1):
            self.font(7.5, bold=True)
            self.pdf.set_x(self.left)
            self.pdf.cell(4, 7.5 * 0.45, f"{n}.")
            self.lines(a.action, 2, bold=True, x=self.left + 4, width=WIDTH - 4)
            self.lines(a.detail, 1, size=7, color=GREY, x=self.left + 4, width=WIDTH - 4)
            self.pdf.ln(0.6)
        if p.more_advice:
            self.lines(p.more_advice, 1, size=7, color=GREY)

    def chart(self, p: pages.Page) -> None:
        """Stacked bars in vector form, labelled so that no two labels touch."""
        pdf = self.pdf
        if not p.buckets or not any(b[k] for b in p.buckets for k, _, _ in pages.SERIES):
            self.lines("No tweets in this period.", 1, color=GREY)
            return
        top_y, height, axis = pdf.get_y() + 1, 30.0, 7.0
        base = top_y + height
        tallest = max(sum(b[k] for k, _, _ in pages.SERIES) for b in p.buckets) or 1
        slot = (WIDTH - axis) / len(p.buckets)
        self.font(6, color=GREY)
        pdf.text(self.left, top_y + 2, f"{tallest:,}")
        widest = max(pdf.get_string_width(b["label"]) for b in p.buckets) + 1.5
        step = max(1, -int(-widest // slot))
        for i, b in enumerate(p.buckets):
            y = base
            x = self.left + axis + i * slot + slot * 0.15
            for key, _, color in pages.SERIES:
                h = (height - 4) * b[key] / tallest
                if h > 0:
                    pdf.set_fill_color(*_rgb(color))
                    pdf.rect(x, y - h, slot * 0.7, h, style="F")
                y -= h
            if i % step == 0:
                label = b["label"]
                pdf.text(
                    self.left + axis + (i + 0.5) * slot - pdf.get_string_width(label) / 2,
                    base + 2.8,
                    label,
                )
        pdf.set_draw_color(153, 153, 153)
        pdf.line(self.left + axis, base, self.left + WIDTH, base)
        pdf.set_y(base + 3.8)
        self.legend(p)

    def legend(self, p: pages.Page) -> None:
        pdf = self.pdf
        self.font(7, color=GREY)
        pdf.set_x(self.left)
        pdf.cell(pdf.get_string_width(f"Tweets per {p.unit}: ") + 0.5, 3.2, f"Tweets per {p.unit}:")
        for _, name, color in pages.chart_series(p.buckets):
            x, y = pdf.get_x(), pdf.get_y()
            pdf.set_fill_color(*_rgb(color))
            pdf.rect(x + 0.5, y + 0.6, 2, 2, style="F")
            pdf.set_x(x + 3)
            pdf.cell(pdf.get_string_width(name) + 2.5, 3.2, name)
        pdf.ln(3.4)

    def table(
        self,
        header: tuple[str, ...],
        widths: tuple[float, ...],
        rows: Sequence[tuple[str, ...]],
    ) -> None:
        """A table of one-line rows; *widths* are fractions of the page's width."""
        cols = [WIDTH * f for f in widths]
        for r, row in enumerate([header, *rows]):
            self.font(7, bold=r == 0)
            x = self.left
            for text, width in zip(row, cols, strict=True):
                self.cell(x, width, text, 3.1)
                x += width
            self.pdf.ln(3.1)
            self.rule()

    def bands(self, p: pages.Page) -> None:
        cols = (0.12, 0.30, 0.11, 0.47)
        header = ("Rule", "Your tweets", "Verdict", "The rule")
        self.table(header, cols, [])
        for b in p.bands:
            top, x = self.pdf.get_y(), self.left
            heights = []
            for k, (text, frac) in enumerate(
                zip((b.name, b.position, b.verdict, b.explanation), cols, strict=True)
            ):
                self.pdf.set_y(top)
                color = INK if b.within is None else (45, 125, 70) if b.within else (179, 38, 30)
                self.lines(
                    text,
                    1 if k in (0, 2) else 2,
                    size=7,
                    bold=k in (0, 2),
                    color=color if k == 2 else GREY if k == 3 else INK,
                    x=x,
                    width=WIDTH * frac - 0.8,
                )
                heights.append(self.pdf.get_y())
                x += WIDTH * frac
            self.pdf.set_y(max(heights))
            self.rule()

    def blasts(self, p: pages.Page) -> None:
        if not p.blasts:
            self.lines("No sales message was re-sent.", 1)
            return
        self.table(("Sent", "Message", "First – last"), (0.07, 0.74, 0.19), p.blasts)

    def people(self, p: pages.Page) -> None:
        if p.people is None:
            self.lines(p.people_note, 1, size=7, color=GREY)
            return
        if not p.people:
            self.lines("No follower you talk with is waiting for a review.", 1)
            return
        self.lines(p.people_note, 1, size=7, color=GREY)
        self.table(("Account", "Name", "Talked", "Last"), (0.30, 0.44, 0.12, 0.14), p.people)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
