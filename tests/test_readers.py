"""Reading files: encodings, formats, broken input reported and skipped."""

import gzip
import json
from pathlib import Path

import pytest

from indexer.sources.readers import read_file
from indexer.sources.records import Problem, Record, decode

from .conftest import corpus_rows

POLISH = "Zażółć gęślą jaźń: Śląsk, Łódź, źródło, Ąę. Białoruś zorganizowała spotkanie."


@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2", "utf-8", "utf-8-sig"])
def test_polish_encodings_are_detected(encoding):
    text, _ = decode(POLISH.encode(encoding))
    assert text == POLISH


def test_real_polish_news_in_both_legacy_encodings():
    for row in corpus_rows("pl-news-bsnlp.jsonl.gz", 60):
        body = row["body"]
        for encoding in ("cp1250", "iso8859_2"):
            data = body.encode(encoding, errors="replace")
            assert decode(data)[0] == data.decode(encoding)


def test_text_file_with_several_items(tmp_path: Path):
    path = tmp_path / "digest.txt"
    path.write_text("PIERWSZA, 1 maja (PAP) - Jeden.\n---\nDRUGA, 2 maja (PAP) - Dwa.\n---\n", "utf-8")
    records = list(read_file(path))
    assert [r.key for r in records] == ["1", "2"]
    assert records[1].fields["body"].startswith("DRUGA")


def test_jsonl_bad_lines_are_reported_and_skipped(tmp_path: Path):
    path = tmp_path / "items.jsonl"
    path.write_text('{"id": "a", "body": "one"}\n{broken\n[1, 2]\n\n{"id": "b", "body": "two"}\n', "utf-8")
    out = list(read_file(path))
    records = [r for r in out if isinstance(r, Record)]
    problems = [p for p in out if isinstance(p, Problem)]
    assert [r.fields["id"] for r in records] == ["a", "b"]
    assert [p.path for p in problems] == [f"{path}:2", f"{path}:3"]


def test_gzip_jsonl_and_broken_gzip(tmp_path: Path):
    good = tmp_path / "good.jsonl.gz"
    with gzip.open(good, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "x", "body": "tekst"}) + "\n")
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(b'{"id": "y", "body": "z"}\n')[:15])
    assert [r.fields["id"] for r in read_file(good)] == ["x"]
    problems = list(read_file(bad))
    assert len(problems) == 1 and isinstance(problems[0], Problem) and problems[0].path == str(bad)


def test_non_item_files_are_ignored(tmp_path: Path):
    (tmp_path / "README.md").write_text("# notes", "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    assert list(read_file(tmp_path / "README.md")) == []
    assert list(read_file(tmp_path / "image.png")) == []


def test_json_lines_stream_past_the_whole_file_limit(tmp_path: Path, monkeypatch):
    """JSON Lines (gzip'd or not) is read a line at a time: no file size limit, only the line's."""
    from indexer.sources import records

    monkeypatch.setattr(records, "MAX_FILE_BYTES", 2_000)
    monkeypatch.setattr(records, "MAX_LINE_BYTES", 600)
    rows = [{"id": f"s{i}", "body": f"Depesza numer {i} z Wilna."} for i in range(200)]
    rows[7]["body"] = "x" * 1_000  # one line over the line limit
    text = "".join(json.dumps(r) + "\n" for r in rows)
    (tmp_path / "big.jsonl").write_text(text, "utf-8")
    (tmp_path / "big.jsonl.gz").write_bytes(gzip.compress(text.encode()))
    (tmp_path / "big.txt").write_text(text, "utf-8")
    for name in ("big.jsonl", "big.jsonl.gz"):
        out = list(read_file(tmp_path / name))
        assert len([r for r in out if isinstance(r, Record)]) == 199
        problems = [p for p in out if isinstance(p, Problem)]
        assert [p.path.rsplit(":", 1)[1] for p in problems] == ["8"] and "600 byte limit" in problems[0].reason
        assert [r.key for r in out if isinstance(r, Record)][7:9] == ["9", "10"]
    assert ["over the 2000 byte limit" in p.reason for p in read_file(tmp_path / "big.txt")] == [True]


def test_json_lines_in_a_legacy_encoding_after_utf8_lines(tmp_path: Path):
    lines = [json.dumps({"id": "a", "body": "plain ascii"}).encode(),
             json.dumps({"id": "b", "body": POLISH}, ensure_ascii=False).encode("cp1250")]
    (tmp_path / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    out = list(read_file(tmp_path / "mixed.jsonl"))
    assert [r.fields["body"] for r in out] == ["plain ascii", POLISH]


def test_a_line_separator_inside_a_json_string_does_not_split_the_record(tmp_path: Path):
    row = {"id": "ls", "body": "Pierwsze zdanie.\u2028Drugie zdanie."}
    (tmp_path / "ls.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    assert [r.fields["body"] for r in read_file(tmp_path / "ls.jsonl")] == [row["body"]]
