"""The real app on a free port: the HTTP API through gradio_client, the bind warning, auth from the env."""
import pytest
from conftest import SAMPLE_QUESTION

from rag.config import Config
from ui import app


def test_answer_is_reachable_through_gradio_client(served):
    from gradio_client import Client

    client = Client(served["url"], verbose=False)
    out = client.predict(SAMPLE_QUESTION, api_name="/ask")
    assert not out["refused"] and out["citations"]
    assert "[1]" in out["answer"] and out["citations"][0]["sentence"]
    follow = client.predict("Which of them did the US designate a terrorist organization?", 0, "",
                            [[SAMPLE_QUESTION, out["answer"]]], api_name="/ask")
    assert follow["rewritten_question"]
    assert "error" in client.predict("", api_name="/ask")
    early = client.predict(SAMPLE_QUESTION, 0, "", [], "1990-01-01", api_name="/ask")  # before every article
    assert early["refused"] and not early["citations"]
    assert "not a date" in client.predict(SAMPLE_QUESTION, 0, "", [], "soon", api_name="/ask")["error"]


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                       ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_loopback_detection(host, loop):
    from rag.serve.auth import is_loopback

    assert is_loopback(host) is loop


def test_the_ui_alone_refuses_a_public_address_without_a_login(monkeypatch):
    from rag.serve.auth import BindError, check_ui_bind

    monkeypatch.delenv("RAG_UI_USER", raising=False)
    monkeypatch.delenv("RAG_UI_PASSWORD", raising=False)
    with pytest.raises(BindError, match="without a login"):
        app.launch(host="0.0.0.0", port=7860, block=False, auth=app.configured_login(Config.load()))
    check_ui_bind("127.0.0.1", login=False)
    monkeypatch.setenv("RAG_UI_USER", "ana")
    monkeypatch.setenv("RAG_UI_PASSWORD", "s3cret")  # read through Config, like every setting
    assert app.configured_login(Config.load()) == ("ana", "s3cret")
    check_ui_bind("0.0.0.0", login=bool(app.configured_login(Config.load())))


def test_cli_parser_defaults_and_options():
    import argparse

    from ui.cli import add_parser

    parser = argparse.ArgumentParser(prog="rag")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["ui", "--host", "0.0.0.0", "--port", "8123", "--index", "/tmp/x"])
    assert (args.host, args.port, args.index_dir) == ("0.0.0.0", 8123, "/tmp/x")
    assert callable(args.func)
    args = parser.parse_args(["ui"])
    assert (args.host, args.port, args.index_dir) == (None, None, None)  # the config's ui_host / ui_port decide
    assert (Config().ui_host, Config().ui_port) == ("127.0.0.1", 7860)
