"""The malloc arena cap: set at import on glibc, left to the user's MALLOC_ARENA_MAX when given."""
import os
import subprocess
import sys

from rag.memory import limit_malloc_arenas


def test_the_cap_is_set_on_glibc():
    assert limit_malloc_arenas() is True  # this machine runs glibc


def test_the_users_setting_wins():
    code = "from rag.memory import limit_malloc_arenas; print(limit_malloc_arenas())"
    env = {**os.environ, "MALLOC_ARENA_MAX": "4"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "False"
