"""The UI when reachable: Host header checked, cross-site POSTs refused, failed logins throttled per address,
library changes authorised (real app on a free port, real HTTP client)."""
from __future__ import annotations

import time
from types import SimpleNamespace

import httpx
import pytest
from conftest import free_port

from rag.serve.security import ChangePolicy, LoginThrottle, allowed_hosts

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, seed_index):
    import shutil

    from rag import RAG
    from ui.app import launch

    tmp = tmp_path_factory.mktemp("ui-guarded")
    shutil.copytree(seed_index, tmp / "index")
    port = free_port()
    demo = launch(RAG.open(index_dir=tmp / "index"), host="127.0.0.1", port=port, block=False, quiet=True,
                  auth=("ann", PASSWORD))
    yield {"url": f"http://127.0.0.1:{port}", "port": port}
    demo.close()


def test_a_forged_host_header_is_refused(guarded):
    forged = httpx.get(guarded["url"] + "/", headers={"Host": f"rebound.example:{guarded['port']}"})
    assert forged.status_code == 421 and "does not answer" in forged.text
    for host in (f"127.0.0.1:{guarded['port']}", f"localhost:{guarded['port']}"):
        assert httpx.get(guarded["url"] + "/", headers={"Host": host}).status_code == 200


def test_a_cross_site_post_is_refused(guarded):
    for origin in ("http://evil.example", "null"):  # "null": a sandboxed frame or a data: page of any site
        got = httpx.post(guarded["url"] + "/login", data={"username": "ann", "password": PASSWORD},
                         headers={"Origin": origin})
        assert got.status_code == 403, origin


def test_failed_logins_wait_longer_each_time(guarded):
    codes = [httpx.post(guarded["url"] + "/login", data={"username": "ann", "password": f"guess{i}"}).status_code
             for i in range(30)]
    assert codes[0] == 400 and codes.count(400) <= 6, codes  # 30 guesses get at most a handful of tries
    for _ in range(20):  # on a loaded machine a window may run out: be well inside a long one, then try the password
        wrong = httpx.post(guarded["url"] + "/login", data={"username": "ann", "password": "again"})
        if wrong.status_code == 429 and int(wrong.headers["retry-after"]) >= 3:
            break
    refused = httpx.post(guarded["url"] + "/login", data={"username": "ann", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    time.sleep(int(refused.headers["retry-after"]) + 0.5)
    assert httpx.post(guarded["url"] + "/login", data={"username": "ann", "password": PASSWORD}).status_code < 400


def test_the_delay_doubles_per_address_and_a_success_clears_it():
    throttle = LoginThrottle(first=10, cap=60)
    for expected in (10, 20, 40, 60, 60):
        throttle.record("10.0.0.1", ok=False)
        assert expected - 1 < throttle.wait("10.0.0.1") <= expected
    assert throttle.wait("10.0.0.2") == 0
    throttle.record("10.0.0.1", ok=True)
    assert throttle.wait("10.0.0.1") == 0


def test_allowed_hosts_follow_the_bound_address():
    assert allowed_hosts("127.0.0.1", 7860, "") >= {"127.0.0.1:7860", "localhost:7860", "[::1]:7860"}
    assert "evil.example:7860" not in allowed_hosts("127.0.0.1", 7860, "")
    assert allowed_hosts("0.0.0.0", 7860, "") is None  # any name, unless RAG_UI_ALLOWED_HOSTS says
    assert allowed_hosts("0.0.0.0", 7860, "news.example.org") == {"news.example.org", "news.example.org:7860"}


def test_library_changes_need_a_login_when_reachable_from_the_network():
    policy = ChangePolicy()
    anonymous, ann = SimpleNamespace(username=None), SimpleNamespace(username="ann")
    assert policy.refusal(anonymous) is None  # loopback, the default
    policy.bind("0.0.0.0", None)
    assert "needs a login" in policy.refusal(anonymous)
    policy.bind("0.0.0.0", ("ann", PASSWORD))
    assert policy.refusal(ann) is None and "log in" in policy.refusal(anonymous)
