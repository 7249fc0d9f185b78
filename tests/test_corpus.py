"""Bad corpus files are skipped with a reason each; a bad folder is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorpusError
from index.corpus import MAX_BYTES, load_corpus


def test_bad_files_are_skipped_with_reasons(corpus: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.txt").write_text("   \n\n")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01\x02")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 in Grozny".encode("latin-1"))
    (corpus / "huge.txt").write_bytes(b"a" * (MAX_BYTES + 1))
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4")
    articles, skipped = load_corpus(corpus)
    assert len(articles) == 5
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["empty.txt"] == "empty file"
    assert "whitespace" in reasons["blank.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "not an article file" in reasons["notes.pdf"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist") as err:
        load_corpus(tmp_path / "nope")
    assert err.value.exit_code == 2


def test_folder_without_articles_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CorpusError, match="no readable article"):
        load_corpus(tmp_path)


def test_doc_id_is_the_file_stem(corpus: Path) -> None:
    articles, _ = load_corpus(corpus)
    assert [a.doc_id for a in articles][0] == "000_6f104e2870e88db1"


def test_symlinks_in_the_corpus_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Title\n\nA real article about a flood in the valley.\n", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(outside)
    articles, skipped = load_corpus(corpus)
    assert [a.doc_id for a in articles] == ["a"]
    assert [Path(s.path).name for s in skipped] == ["passwd.txt"] and "symbolic link" in skipped[0].reason
    assert all("root:x" not in a.text for a in articles)
