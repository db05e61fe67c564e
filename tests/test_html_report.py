"""The one-page report: self-contained, with every part the client reads."""

from __future__ import annotations

import re

from archivelens import pipeline
from archivelens.cli import main
from tests.conftest import era_spec


def test_the_report_is_self_contained_and_complete(make_archive, library, tmp_path, capsys):
    path, _, _ = make_archive("current", spec=era_spec("current", blast_clusters=4))
    pipeline.import_archive(path, library)
    out = tmp_path / "report.html"
    assert main(["report", "--db", str(library), "--html", str(out)]) == 0
    capsys.readouterr()
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)=['"]?https?:""", html)  # nothing is fetched
    assert "<svg" in html and "<rect" in html  # the chart, inline
    for part in (
        "@ZimblerMiller",
        "What to change",
        "Retire or rewrite",
        "Largest sales blasts",
        "Followers to review first",
        "What an archive cannot tell",
        "80/20",
        "@media print",
    ):
        assert part in html, part


def test_a_report_without_follower_lists_says_so(make_archive, library, tmp_path):
    from archivelens.export import html_report

    path, _, _ = make_archive("classic")
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        html = html_report.render(con, pipeline.resolve_scope(con))
    assert "not in this archive" in html and "Followers to review first" in html


def test_every_export_writes_the_report(make_archive, library, tmp_path):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        pipeline.export_csv(con, pipeline.resolve_scope(con), tmp_path / "csv")
    assert (tmp_path / "csv" / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
