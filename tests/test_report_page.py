"""The client's one page, printed: report.html through headless Chromium on A4 and on Letter,
and the app's own PDF, for accounts of every era, from no advice to more than fits, with long
texts, long names and CJK — always one page, and what it says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from archivelens import pipeline
from archivelens.analysis import report
from archivelens.analysis.recommendations import Recommendation
from archivelens.export import html_report, pdf_report
from archivelens.export import page as pages
from archivelens.store import branding
from testkit.archivegen import Options, build_story, write_archive
from tests import printing
from tests.conftest import era_spec

CJK_NAME = "陳大文・山田太郎の長い表示名テスト 📚 Consulting & Partners International"
# The longest sentence engagement.headline writes (counts up to five digits, tweets to six).
LONGEST_EARNED = (
    "Your promotional tweets earned 12,345 likes each, your replies to others 23,456 likes "
    "(123,456 and 234,567 tweets; counts as at the archive's date)."
)
CJK_PITCH = "新しい本が出ました！今すぐ注文してください、限定価格で送料無料です。"


def logo_png(width: int = 600, height: int = 200) -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "#2E86AB")
    ImageDraw.Draw(image).ellipse((20, 20, height - 20, height - 20), fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _busy(tmp: Path) -> Path:
    """A sales account that fires every rule, with CJK names and long CJK sales blasts."""
    spec = era_spec(
        "current",
        tweets=1500,
        blast_clusters=8,
        blast_size=7,
        own_links=120,
        scheduled=0.7,
        quiet_last_year=True,
        people=120,
    )
    story = build_story(spec)
    for person in story.people:
        person.name = f"{CJK_NAME} {person.name}"
    for tweet in story.tweets:
        if tweet.cluster is not None:
            tweet.text = f"{CJK_PITCH * 2} {tweet.text}"
    write_archive(story, "current", tmp / "busy.zip", Options())
    return tmp / "busy.zip"


def _era(era: str, **spec: object):
    def make(tmp: Path) -> Path:
        write_archive(build_story(era_spec(era, **spec)), era, tmp / f"{era}.zip", Options())
        return tmp / f"{era}.zip"

    return make


# Cases whose page also compares the last 12 months with the 12 before (the busiest among them:
# the comparison must still fit).
COMPARED = {"every rule, CJK, branding, more advice than fits", "classic, no follower lists"}
CASES = {
    "current": (_era("current", blast_clusters=6), None),
    "2020-2022": (_era("2020-2022", tweets=900, scheduled=0.8, quiet_last_year=True), None),
    "2018-2020, too few tweets to advise": (_era("2018-2020", tweets=30), None),
    "classic, no follower lists": (_era("classic", tweets=3313), None),
    "an empty period": (_era("current"), (date(2010, 1, 1), date(2010, 2, 1))),
    "every rule, CJK, branding, more advice than fits": (_busy, None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pages.Page]:
    """Each case imported into its own library and laid out once."""
    out = {}
    for name, (make, period) in CASES.items():
        tmp = tmp_path_factory.mktemp("page")
        library = tmp / "library.duckdb"
        pipeline.import_archive(make(tmp), library)
        with pipeline.open_library(library) as con:
            scope = pipeline.resolve_scope(con)
            if period:
                scope = scope.with_dates(*period)
            rep = report.build(con, scope)
            if name.startswith("every rule"):
                branding.save(con, _longest_branding())
                rep.recommendations = [
                    *rep.recommendations,
                    *_long_advice(len(rep.recommendations)),
                ]
            compared = pipeline.compare(con, scope) if name in COMPARED else None
            out[name] = pages.build(con, scope, rep, compared)
            if name.startswith("every rule"):
                out[name].earned = pages.clip(LONGEST_EARNED, pages.EARNED_COLUMNS)
    return out


def _longest_branding() -> branding.Branding:
    return branding.Branding(
        consultant=("Ada Lovelace 顧問 " * 10)[: branding.MAX_NAME],
        client=("Zimbler Books 株式会社 " * 10)[: branding.MAX_NAME],
        note=("Dear team, 今月の報告です: the spring campaign went well. " * 20)[
            : branding.MAX_NOTE
        ],
        logo=logo_png(),
        logo_type="image/png",
    )


def _long_advice(have: int) -> list[Recommendation]:
    """Recommendations beyond what the page holds, with the longest words a rule writes."""
    return [
        Recommendation(
            f"extra_{n}",
            "Retire or rewrite your 12 re-sent sales messages: the largest, “"
            + CJK_PITCH * 3
            + "”",
            "84 tweets in 12 sales blasts, the last on 2023-06-01 " * 3,
            "The same pitch again and again reads as broadcasting; followers tune it out. " * 3,
            "duplicate_blasts.csv, cluster_kind = sales_blast",
            "Duplicates",
        )
        for n in range(max(0, pages.MAX_ADVICE + 1 - have))
    ]


def test_the_cases_cover_what_the_page_must_hold(built):
    advice = {name: len(p.advice) for name, p in built.items()}
    assert advice["2018-2020, too few tweets to advise"] == 0
    assert advice["every rule, CJK, branding, more advice than fits"] == pages.MAX_ADVICE
    assert built["every rule, CJK, branding, more advice than fits"].more_advice
    assert built["classic, no follower lists"].people is None
    assert not any(b[k] for b in built["an empty period"].buckets for k, _, _ in pages.SERIES)
    assert any(p.unit == "month" for p in built.values())
    assert any(p.unit == "quarter" for p in built.values())
    assert {name for name, p in built.items() if p.compared_line} == COMPARED
    assert built["classic, no follower lists"].earned is None  # no counts: nothing to quote
    assert built["every rule, CJK, branding, more advice than fits"].earned


needs_chromium = pytest.mark.skipif(
    printing.chromium() is None and not os.environ.get("CI"),
    reason="headless Chromium is not installed (CI installs it: .ci/run)",
)


@needs_chromium
@pytest.mark.parametrize("name", list(CASES))
def test_report_html_prints_on_one_page_of_a4_and_of_letter(built, name, tmp_path):
    html = html_report.render_page(built[name])
    for paper, size in (("A4", (210.0, 297.0)), ("Letter", (215.9, 279.4))):
        pdf = printing.print_html(html, paper, tmp_path / f"{paper}.pdf")
        assert printing.paper_size(pdf) == pytest.approx(size, abs=0.3)
        assert printing.pages(pdf) == 1, f"{name}: {paper} needs more than one page"
        text = printing.text(pdf)
        assert "What an archive cannot tell" in text  # the last part is on the page
        if built[name].compared_line:
            assert "Cards: before" in " ".join(text.split())


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_the_pdf_is_one_page_within_the_budget_and_says_what_the_page_says(built, name, paper):
    p = built[name]
    document, used = pdf_report.layout(p, paper)
    assert used <= pdf_report.HEIGHT, f"{name}: {used:.0f} mm of {pdf_report.HEIGHT:.0f}"
    data = bytes(document.output())
    assert printing.pages(data) == 1
    assert printing.paper_size(data) == pytest.approx(
        {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}[paper], abs=0.3
    )
    text = " ".join(printing.text(data).split())
    for part in (
        p.title,
        "What to change",
        "Content mix over time",
        *(b.verdict for b in p.bands),
        *(b.name for b in p.bands),
        "What an archive cannot tell",
    ):
        assert part in text, (name, part)
    for a in p.advice:
        assert a.action[:30] in text, (name, a.action)
    for line in (p.compared_line, p.earned):
        if line:
            assert line[:60] in text, (name, line)
    for card in p.cards:
        if card.before_after:
            assert card.before_after in text, (name, card)
    assert not re.search(r"\b1 (tweets|followers|times|sales blasts|recommendations)\b", text)


def test_the_pdf_carries_the_branding_and_cjk_text(built):
    p = built["every rule, CJK, branding, more advice than fits"]
    data = pdf_report.render(p)
    text = " ".join(printing.text(data).split())
    assert "Prepared for Zimbler Books" in text and "by Ada Lovelace" in text
    assert "Dear team" in text
    assert b"/Subtype /Image" in data or b"/Subtype/Image" in data  # the logo
    if Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf").is_file():
        assert "新しい本" in text  # set in the computer's CJK font
    html = html_report.render_page(p)
    assert "src='data:image/png;base64," in html and "Prepared for Zimbler Books" in html


def test_export_pdf_from_the_command_line(make_archive, library, tmp_path, capsys):
    from archivelens.cli import main

    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    assert main(["export", "--db", str(library), "--format", "pdf", "--out", str(out)]) == 0
    assert "one page, A4" in capsys.readouterr().out
    (pdf,) = out.glob("*.pdf")
    assert pdf.name == "archivelens-ZimblerMiller-2023-07-02.pdf"
    assert printing.pages(pdf) == 1 and "@ZimblerMiller on Twitter/X" in printing.text(pdf)
    assert [p.name for p in out.iterdir()] == [pdf.name]  # no scratch left behind
    args = ["export", "--db", str(library), "--format", "pdf", "--paper", "letter"]
    assert main([*args, "--out", str(out)]) == 0
    assert printing.paper_size(pdf) == pytest.approx((215.9, 279.4), abs=0.3)


def test_the_core_makes_the_pdf_without_qt_or_ssl(make_archive, library, tmp_path):
    """The PDF is the core's (no Qt, no browser): it runs where PySide6 cannot be imported, and
    without SSL, as in the built app (which leaves OpenSSL out)."""
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    code = (
        "import sys; sys.modules['PySide6'] = sys.modules['ssl'] = sys.modules['_ssl'] = None\n"
        "from archivelens.cli import main\n"
        f"raise SystemExit(main(['export', '--db', {str(library)!r}, '--format', 'pdf', "
        f"'--out', {str(tmp_path / 'out')!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert printing.pages(next((tmp_path / "out").glob("*.pdf"))) == 1


def test_branding_is_kept_in_the_library(make_archive, library, tmp_path, capsys):
    from archivelens.cli import main

    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    logo = tmp_path / "logo.png"
    logo.write_bytes(logo_png(300, 100))
    db = ["--db", str(library)]
    assert main(["brand", *db, "--consultant", "Ada Lovelace", "--client", "Zimbler Books"]) == 0
    assert main(["brand", *db, "--logo", str(logo), "--note", "See you on Thursday."]) == 0
    shown = capsys.readouterr().out
    assert "Consultant: Ada Lovelace" in shown and "image/png" in shown
    with pipeline.open_library(library) as con:
        stored = pipeline.branding(con)
        html = html_report.render(con, pipeline.resolve_scope(con))
    assert stored.logo == logo.read_bytes() and stored.client == "Zimbler Books"
    assert "Prepared for Zimbler Books by Ada Lovelace" in html
    assert "See you on Thursday." in html
    assert main(["brand", *db, "--client", ""]) == 0  # an empty value removes one field
    with pipeline.open_library(library) as con:
        assert pipeline.branding(con) == replace(stored, client=None)
    assert main(["brand", *db, "--clear"]) == 0
    assert "No branding" in capsys.readouterr().out
    with pipeline.open_library(library) as con:
        assert not pipeline.branding(con)
        assert "Prepared" not in html_report.render(con, pipeline.resolve_scope(con))


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["--note", "x" * 301], "The note is 301 characters long"),
        (["--consultant", "y" * 81], "The consultant's name is 81 characters long"),
        (["--logo", "{gif}"], "is not a PNG or JPEG image"),
        (["--logo", "{broken}"], "is damaged"),
        (["--logo", "{big}"], "at most 512 KB"),
        (["--logo", "{missing}"], "File not found"),
    ],
)
def test_branding_refused_in_one_sentence(library, tmp_path, capsys, args, sentence):
    from archivelens.cli import main

    files = {
        "gif": b"GIF89a" + b"\0" * 20,
        "broken": b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
        "big": b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    args = [a.format(**{n: tmp_path / n for n in (*files, "missing")}) for a in args]
    with pipeline.open_library(library):
        pass
    assert main(["brand", "--db", str(library), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("archivelens: error: ") and sentence in err and err.count("\n") == 1
    with pipeline.open_library(library) as con:
        assert not pipeline.branding(con)  # nothing half-saved


def test_the_workbook_summary_carries_the_branding(make_archive, library, tmp_path):
    import openpyxl

    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        pipeline.set_branding(con, "Ada Lovelace", "Zimbler Books", "See you on Thursday.")
        branding.save(con, replace(pipeline.branding(con), logo=logo_png(), logo_type="image/png"))
        book = pipeline.export_xlsx(con, pipeline.resolve_scope(con), tmp_path / "book")
    sheet = openpyxl.load_workbook(book.path)["Summary"]
    top = [sheet.cell(row, 1).value for row in range(1, 7)]
    assert top[2] == "Prepared for Zimbler Books by Ada Lovelace"
    assert top[3] == "See you on Thursday."
    assert top[5] == "What to change"  # the rest follows, moved down
    assert len(sheet._images) == 1  # the logo


def test_a_rebuilt_library_keeps_the_branding(library, tmp_path):
    """Branding is the consultant's own decision: journaled like the reviews, replayed by a
    rebuild, and in the baseline of a library that had no journal."""
    import json

    from archivelens import recovery
    from archivelens.store import journal

    root = Path(__file__).resolve().parents[1]
    pipeline.import_archive(root / "resources" / "sample-archive.zip", library, analysis=False)
    with pipeline.open_library(library) as con:
        pipeline.set_branding(con, "Ada Lovelace", "Zimbler Books", "See you on Thursday.")
        branding.save(con, replace(pipeline.branding(con), logo=logo_png(), logo_type="image/png"))
        stored = pipeline.branding(con)
    entries = journal.read(library)[0]
    assert [e["op"] for e in entries].count("branding") == 2
    fresh = tmp_path / "fresh.duckdb"
    with pipeline.open_library(fresh) as con:
        recovery.replay(con, entries)
        assert pipeline.branding(con) == stored
    journal.path_for(library).unlink()
    with pipeline.open_library(library):
        pass  # opening writes the baseline journal
    baseline = [json.loads(line) for line in journal.path_for(library).read_text().splitlines()]
    assert branding.from_entry(next(e for e in baseline if e["op"] == "branding")) == stored
    with pipeline.open_library(library) as con:
        pipeline.set_branding(con, clear=True)
    assert journal.read(library)[0][-1] == {"op": "branding", **branding.entry(branding.Branding())}
