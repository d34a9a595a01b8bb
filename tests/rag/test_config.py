from rag.config import Config


def test_defaults_then_toml_then_env_then_arguments(tmp_path, monkeypatch):
    toml = tmp_path / "rag.toml"
    toml.write_text('[rag]\ntop_k = 7\ncollection = "news"\nmin_evidence = 0.5\n')
    monkeypatch.setenv("RAG_CONFIG", str(toml))
    monkeypatch.setenv("RAG_COLLECTION", "from-env")
    config = Config.load(min_evidence=0.3)
    assert (config.top_k, config.collection, config.min_evidence) == (7, "from-env", 0.3)
    assert Config().generator == "llamacpp" and Config().chroma_url == ""


def test_unknown_keys_are_kept_as_extra(tmp_path, monkeypatch):
    toml = tmp_path / "rag.toml"
    toml.write_text('top_k = "3"\nui_theme = "dark"\n')
    monkeypatch.setenv("RAG_CONFIG", str(toml))
    config = Config.load()
    assert config.top_k == 3 and config.extra == {"ui_theme": "dark"}


def test_overrides_that_are_not_fields_go_to_extra():
    config = Config().with_overrides(top_k=9, retrieval_mode="dense")
    assert config.top_k == 9 and config.extra["retrieval_mode"] == "dense"
