"""Indexing the seeds and answering a question opens no network connection.

The real pipeline runs in a fresh process whose socket layer refuses (and records) any attempt to
connect anywhere or resolve a name — the same thing an offline laptop does, but loudly.
"""
import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT, SAMPLE_QUESTION, SEEDS

GUARD = textwrap.dedent("""
    import json, socket, sys
    attempts = []
    def refuse(kind):
        def blocked(*args, **kwargs):
            attempts.append(f"{kind} {args[1:] if kind == 'connect' else args[:1]}")
            raise OSError(f"network access blocked by test guard ({kind})")
        return blocked
    _connect = socket.socket.connect
    def connect(self, address):
        if self.family == getattr(socket, "AF_UNIX", None):
            return _connect(self, address)
        return refuse("connect")(self, address)
    socket.socket.connect = connect
    socket.socket.connect_ex = lambda self, address: connect(self, address)
    socket.create_connection = refuse("create_connection")
    socket.getaddrinfo = refuse("getaddrinfo")
    socket.gethostbyname = refuse("gethostbyname")

    from rag import RAG
    rag = RAG.open(sys.argv[1])
    report = rag.index([sys.argv[2]], progress=False)
    answer = rag.ask(sys.argv[3])
    print(json.dumps({"attempts": attempts, "added": len(report.added), "refused": answer.refused,
                      "citations": len(answer.citations)}))
""")


def test_index_and_answer_open_no_network_connection(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "TIKTOKEN", "NLTK"))}
    proc = subprocess.run([sys.executable, "-c", GUARD, str(tmp_path / "index"), str(SEEDS), SAMPLE_QUESTION],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["attempts"] == []
    assert result["added"] == 5 and not result["refused"] and result["citations"] >= 1
