"""llama.cpp's state after the fixed prompt start (system prompt and worked example), kept in a file beside
the model so that a new process restores it in milliseconds instead of processing ~200 tokens again
(4-5 s on 2 busy cores for the default 0.5B model).

xllamacpp exposes llama.cpp's slot save/restore only through the HTTP API of its in-process server
(`POST /slots/N?action=save|restore`, enabled by `slot_save_path`), which listens on loopback behind a
random key; that is what this module calls. The state is computed in slot 0 and restored into every
slot, so each of the parallel sequences starts with the fixed prompt cached. The file name carries a
key of everything the state depends on: the model file (path, size, modification time), the prompt
text, the context size and the runtime version, so any change means a new file (older ones for the
model are removed). llama.cpp aborts the process on a truncated state file, so each file has a
`.sha256` beside it and is restored only when it matches; one that does not (damaged, half-copied) is
computed again and replaced. A folder that cannot be written only costs the saving.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FOLDER = "prompt-state"
STALE_AFTER_S = 7 * 24 * 3600  # another configuration's saved state is removed once unused this long


def state_dir(model_path: str) -> Path:
    """Beside the model file as named (a symlinked model keeps its states beside the link)."""
    return Path(os.path.abspath(model_path)).parent / FOLDER


def state_file(model_path: str, messages: list[dict[str, str]], n_ctx: int, runtime: str) -> str:
    """The file name (inside `state_dir`) of the state after `messages` for this model and runtime."""
    stat = os.stat(model_path)
    key = json.dumps([os.path.realpath(model_path), stat.st_size, stat.st_mtime_ns, messages, n_ctx, runtime])
    return f"{Path(model_path).stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.bin"


def _slot_action(server: Any, api_key: str, action: str, filename: str, slot: int = 0) -> dict:
    request = urllib.request.Request(
        f"{server.listening_address}/slots/{slot}?action={action}", data=json.dumps({"filename": filename}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.load(resp)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _intact(path: Path) -> bool:
    try:
        return path.with_name(path.name + ".sha256").read_text().strip() == _digest(path)
    except OSError:
        return False


def restore(server: Any, api_key: str, model_path: str, name: str, slot: int = 0) -> int:
    """Tokens restored from the saved state into `slot` (0 when there is none or it cannot be used)."""
    path = state_dir(model_path) / name
    if not path.is_file():
        return 0
    if not _intact(path):
        log.info("prompt state %s does not match its checksum; processing the prompt", name)
        return 0
    try:
        return int(_slot_action(server, api_key, "restore", name, slot).get("n_restored", 0))
    except Exception as err:  # noqa: BLE001 - damaged or foreign file: compute the prompt instead
        log.info("prompt state %s not restored (%s); processing the prompt", name, err)
        return 0


def save(server: Any, api_key: str, model_path: str, name: str) -> bool:
    """Write the state atomically (a temporary name, then a rename) and drop older states of this model."""
    folder = state_dir(model_path)
    tmp = f"{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        _slot_action(server, api_key, "save", tmp)
        digest = folder / f"{tmp}.sha256"
        digest.write_text(_digest(folder / tmp) + "\n")
        os.replace(folder / tmp, folder / name)  # the state, then its checksum: a reader never trusts
        os.replace(digest, folder / f"{name}.sha256")  # a file whose checksum was not written for it
    except Exception as err:  # noqa: BLE001 - read-only folder and the like: only the saving is lost
        log.info("prompt state not saved in %s (%s)", folder, err)
        for leftover in (folder / tmp, folder / f"{tmp}.sha256"):
            leftover.unlink(missing_ok=True)
        return False
    # Other settings' states of this model go once stale: another process may be using (or writing) them.
    stem, stale = Path(model_path).stem, time.time() - STALE_AFTER_S
    for old in folder.glob(f"{stem}-*.bin*"):
        if not old.name.startswith(name) and ".tmp" not in old.name and _mtime(old) < stale:
            old.unlink(missing_ok=True)
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def prepare(server: Any, api_key: str, model_path: str, messages: list[dict[str, str]], n_ctx: int,
            compute: Callable[[], None], slots: int = 1) -> str:
    """Bring the server's slots to the state after `messages`: restored from the file, or computed in
    slot 0 (by `compute`), saved and restored into the other slots. Returns "restored", "saved" or
    "computed" (saving failed: only slot 0 starts with the state)."""
    import xllamacpp

    name = state_file(model_path, messages, n_ctx, xllamacpp.__version__)
    if restore(server, api_key, model_path, name):
        outcome = "restored"
    else:
        compute()
        if not save(server, api_key, model_path, name):
            return "computed"
        outcome = "saved"
    for slot in range(1, slots):
        restore(server, api_key, model_path, name, slot)
    return outcome
