"""Build the confusable news benchmark: ~580 articles (>1,000 passages) and generated questions.

    python -m eval.confusable.build [--out DIR]      # default: ~/.cache/news-rag/confusable

Text: the Lee corpus of Australian Broadcasting Corporation news stories (349 articles, 2001), which
the gensim wheel ships as test data (gensim==4.4.0 on PyPI; fetched with `pip download --no-deps`
into a cache, read from the wheel, never installed). The stories already share names and events
(bushfires, Afghanistan, the Middle East, cricket). On top, deterministically:

- wire copies: every third story again from another outlet, with a dateline and a cut ending
  (near-duplicates: retrieval must not fill the top-k with copies of one story);
- follow-ups a year later: every third story again, dated 2002, with its numbers changed (same
  names, different facts: only the question's year tells them apart).

Questions are generated from single sentences ("how many …", "who says …"); each names its answer
and the sentence holding it. A passage is a hit when it holds that sentence (`hit`).
Everything is seeded: the same input gives byte-identical files.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import rag  # noqa: F401  (offline environment)
from rag.ingest.sentences import split_sentences

WHEEL = "gensim==4.4.0"
MEMBERS = ("gensim/test/test_data/lee_background.cor", "gensim/test/test_data/lee.cor")
SHA256 = {"gensim/test/test_data/lee_background.cor": "", "gensim/test/test_data/lee.cor": ""}
DEFAULT_OUT = Path.home() / ".cache" / "news-rag" / "confusable"
SEED = 20240514
WIRES = ("AAP", "Reuters", "AFP", "The Canberra Times", "Sydney Morning Herald")
_INT = re.compile(r"(?<![\w.:$-])(\d{1,3}(?:,\d{3})*|\d+)(?![\w.:%]|,\d)")
_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                "sept", "oct", "nov", "dec"}
_SAYS = re.compile(r"^((?:[A-Z][\w'’.-]*|of|the|for|and|de)(?:\s+(?:[A-Z][\w'’.-]*|of|the|for|and|de)){1,7})\s+"
                   r"(says|said|has said|have said|told|has told|has warned|warned|announced|has announced)\s+(.+)$")


def fetch_texts(cache: Path) -> list[str]:
    """The Lee corpus stories, one per line, from the gensim wheel (downloaded once into `cache`)."""
    cache.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache.glob("gensim-4.4.0-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        "-d", str(cache), WHEEL], check=True, stdout=subprocess.DEVNULL)
        wheels = sorted(cache.glob("gensim-4.4.0-*.whl"))
    stories: list[str] = []
    with zipfile.ZipFile(wheels[0]) as zf:
        for member in MEMBERS:
            raw = zf.read(member).decode("utf-8", errors="replace")
            stories += [" ".join(line.split()) for line in raw.splitlines() if len(line.split()) > 40]
    return stories


def headline(sentence: str) -> str:
    words = re.split(r"\s+", re.split(r"[,;:]| - ", sentence)[0].strip().rstrip("."))
    return " ".join(words[:10])


def paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


def article_text(title: str, body: list[str], date: dt.date, source: str) -> str:
    return f"{title}\n\n{paragraphs(body)}\n\n{date.strftime('%B')} {date.day}, {date.year}\n\nSource: {source}\n"


def bump_numbers(sentence: str, rng: random.Random) -> str:
    """A follow-up's facts: every count changes (years and clock times are left alone)."""
    def repl(m: re.Match) -> str:
        n = int(m.group(1).replace(",", ""))
        if 1900 <= n <= 2099:
            return m.group(0)
        new = n + max(1, round(n * rng.choice((0.2, 0.35, 0.5)))) if n > 3 else n + rng.choice((2, 3, 4))
        return f"{new:,}" if "," in m.group(1) else str(new)

    return _INT.sub(repl, sentence)


def _cut(words: list[str], limit: int) -> str:
    """At most `limit` words, ended at a clause boundary when one is near."""
    if len(words) <= limit:
        return " ".join(words)
    kept = words[:limit]
    for j in range(len(kept) - 1, max(3, limit // 2), -1):
        if kept[j].endswith((",", ";", ":")):
            return " ".join(kept[:j + 1]).rstrip(",;:")
    return " ".join(kept)


def questions_for(sentence: str) -> list[tuple[str, str]]:
    """(question, answer) pairs a sentence answers: a count ("… how many …?") or who said something."""
    out = []
    words = sentence.strip('"“”').rstrip(".!?\"'”").split()
    if 8 <= len(words) <= 45:
        for i, w in enumerate(words):
            m = _INT.fullmatch(w)
            if not m or 1900 <= int(w.replace(",", "")) <= 2099 or i + 1 >= len(words) or i > 14:
                continue
            nxt = words[i + 1]
            if not nxt[:1].islower() or nxt in ("per", "percent", "am", "pm", "of", "to", "and", "or", "a"):
                continue
            left = words[:i]
            if left and left[-1].lower().rstrip(".") in _MONTH_NAMES:
                continue  # a day of a month ("September 11"), not a count
            while left and left[-1].lower() in ("an", "a", "some", "about", "around", "estimated", "than", "more"):
                left = left[:-1]
            head = " ".join(left + ["how many"]) if left else "How many"
            out.append((f"{head} {_cut(words[i + 1:], max(5, 22 - i))}".rstrip(".,;:") + "?", w))
            break
    m = _SAYS.match(" ".join(words))
    if m and not m.group(1).startswith(("The ", "It ", "He ", "She ", "They ", "But ", "And ", "This ")):
        rest = m.group(3).split()
        if len(rest) >= 5:
            out.append((f"Who {m.group(2)} {_cut(rest, 18)}".rstrip(".,;:") + "?", m.group(1)))
    return out


def build(out: Path, cache: Path) -> dict:
    stories = fetch_texts(cache)
    rng = random.Random(SEED)
    articles: list[dict] = []  # {key, title, body (list of sentences), date, source, group}
    for i, story in enumerate(stories):
        body = [s.text for s in split_sentences(story)]
        date = dt.date(2001, 1, 1) + dt.timedelta(days=(i * 37) % 365)
        base = {"group": i, "kind": "base", "title": headline(body[0]), "body": body, "date": date,
                "source": "ABC News"}
        articles.append(base)
        if i % 3 == 0 and len(body) > 3:  # wire copy: dateline, cut ending
            wire = rng.choice(WIRES)
            lead = f"{rng.choice(['SYDNEY', 'CANBERRA', 'MELBOURNE', 'BRISBANE'])} ({wire}) - {body[0]}"
            articles.append({**base, "kind": "wire", "body": [lead] + body[1:-1], "lead": body[:1], "source": wire,
                             "date": date + dt.timedelta(days=rng.choice((0, 1)))})
        if i % 3 == 1:  # follow-up a year on: the same names, other numbers
            later = date.replace(year=2002) if not (date.month == 2 and date.day == 29) else date
            articles.append({**base, "kind": "followup", "title": f"{base['title']} (update)",
                             "body": [bump_numbers(s, rng) for s in body], "date": later})
    rng.shuffle(articles)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    sentence_docs: dict[str, set[str]] = {}
    twins = {a["group"] for a in articles if a["kind"] == "followup"}
    for n, a in enumerate(articles):
        text = article_text(a["title"], a["body"], a["date"], a["source"])
        a["name"] = f"{n:04d}_{hashlib.sha256(text.encode()).hexdigest()[:12]}.txt"
        (out / a["name"]).write_text(text, encoding="utf-8")
        for s in a["body"] + (a["lead"] if a["kind"] == "wire" else []):
            sentence_docs.setdefault(s, set()).add(a["name"])  # a wire lead holds the original's first sentence
    gold = []
    for a in sorted(articles, key=lambda a: a["name"]):
        if a["kind"] == "wire":
            continue
        for s in a["body"]:
            for question, answer in questions_for(s):
                if a["group"] in twins or rng.random() < 0.3:  # the year tells a story from its follow-up
                    first, _, rest = question.partition(" ")
                    first = first.lower() if first in ("How", "Who") else first
                    question = f"In {a['date'].year}, {first} {rest}"
                gold.append({"id": f"conf{len(gold) + 1:04d}", "question": question, "answer": answer,
                             "facts": [[answer]], "sources": sorted(sentence_docs[s]), "contexts": [s],
                             "answerable": True})
    with open(out / "gold.jsonl", "w", encoding="utf-8") as fh:
        for item in gold:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    kinds = {k: sum(1 for a in articles if a["kind"] == k) for k in ("base", "wire", "followup")}
    return {"articles": len(articles), **kinds, "questions": len(gold), "out": str(out)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--cache", type=Path, default=DEFAULT_OUT.parent / "wheels")
    args = ap.parse_args(argv)
    print(json.dumps(build(args.out, args.cache)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
