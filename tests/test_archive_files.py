"""Reading the JS wrapper of archive data files, and splitting big arrays between records."""

from __future__ import annotations

import io
import json

import pytest

from archivelens import pipeline
from archivelens.archive import staging
from archivelens.archive.jsfile import ArraySplitter, first_record_key, load_small, stream_json
from archivelens.errors import UserError
from testkit.archivegen import jackson


def strip(text: str) -> bytes:
    out = io.BytesIO()
    stream_json(io.BytesIO(text.encode()), out, "x.js")
    return out.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        'window.YTD.tweets.part0 = [ {"a" : "1"} ]',
        '\ufeffwindow.YTD.tweets.part3 = [ {"a" : "1"} ];\n',
        'Grailbird.data.tweets_2011_04 = \n[ {"a" : "1"} ]',
        'Grailbird.data.tweets_2017_01 =[ {"a" : "1"} ]',
        '[ {"a" : "1"} ]',
    ],
)
def test_assignment_prefix_bom_and_semicolon_are_dropped(text):
    assert json.loads(strip(text)) == [{"a": "1"}]


def test_empty_one_line_file():
    assert json.loads(strip("window.YTD.account_suspension.part0 = []")) == []
    assert json.loads(strip("window.YTD.block.part0 = [ ]")) == []


def test_not_a_data_file_is_a_user_error():
    with pytest.raises(UserError):
        strip("<html><body>no assignment here</body></html>" * 200)


def test_load_small_parses_manifest_objects():
    text = 'window.__THAR_CONFIG = {\n  "userInfo" : { "accountId" : "1" }\n}'
    assert load_small(io.BytesIO(text.encode()), "manifest.js") == {"userInfo": {"accountId": "1"}}


@pytest.mark.parametrize("style", ["lines", "joined"])
def test_splitter_cuts_only_between_records(style, tmp_path):
    # Values that look like separators but sit inside strings must never be cut.
    records = [
        {
            "tweet": {
                "id": str(i),
                "full_text": "a }, { b \\n  },\\n  { c" * (i % 5),
                "nested": [{"x": str(i)}, {"y": []}],
            }
        }
        for i in range(400)
    ]
    body = jackson.data_file("window.YTD.tweets.part0", records, style)
    splitter = ArraySplitter(lambda n: tmp_path / f"chunk-{n}.json", limit=2000)
    src = io.BytesIO(body.encode())
    stream_json(src, splitter, "tweets.js")
    splitter.close()
    assert len(splitter.paths) > 5
    back = [r for p in splitter.paths for r in json.loads(p.read_bytes())]
    assert back == records
    assert first_record_key(splitter.paths[-1], "tweets.js") == "tweet"


def test_import_with_tiny_split_size_keeps_every_tweet(make_archive, library, monkeypatch):
    monkeypatch.setattr(staging, "_SPLIT_BYTES", 4096)
    path, story, written = make_archive("2018-2020")
    result = pipeline.import_archive(path, library)
    assert result.counts["tweets"] == len(story.tweets)
    assert {f.file_name: f.records for f in result.files}["tweet.js"] == written.records["tweet.js"]
