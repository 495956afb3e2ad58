"""Our report beside the seed service's on the same question.

Regenerates docs/compare-seed-reports.md.

Seed reports 000 and 001 (../shared/seeds) are an AI fact-check service's reports on two questions about Chicago
and ICE. This script checks the same questions over the demo collection (examples/, ingested into a temporary
store), extractive, and writes both reports one after the other with their figures: the share of the key facts
("nuggets") each carries, and their length in words. The nuggets are facts the three demo articles state,
listed below; a nugget is present when every term of one of its alternatives is in the report's text
(case-insensitive), as in the report eval suite (veracity/eval/report.py).

Usage: python scripts/compare_seed_reports.py [--seeds ../shared/seeds] [--out FILE.md]
       python scripts/compare_seed_reports.py --figures     (only the nugget figures, one line per question)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (seed file prefix, the question as the seed asked it, nuggets: (fact, alternatives of terms))
Nuggets = list[tuple[str, list[list[str]]]]
COMMON: Nuggets = [
    ("the Welcoming City Ordinance", [["welcoming city"]]),
    ("a supervisor responds and declines a civil-immigration request", [["supervisor"]]),
    ("the Illinois TRUST Act", [["trust act"]]),
    ("the CPD says it will not assist with deportations or civil immigration enforcement",
     [["not assist"], ["not be assisting"], ["will not comply"], ["limit", "cooperation"]]),
    ("a 2024 memo told officers not to support DHS agents in immigration arrests", [["memo"]]),
    ("aldermen proposed amending the ordinance to allow cooperation", [["amend"]]),
]
QUESTIONS: list[tuple[str, str, Nuggets]] = [
    ("000", "Did Chicago cooperate with ice", [
        ("the police handed arrest records to ICE and CBP in almost every case",
         [["almost every case"], ["arrest records", "ice"], ["records", "handed over"]]),
        *COMMON,
        ("Chicago became a sanctuary city in 1985", [["1985"]]),
        ("council members and the Latino caucus call for an investigation of the police's role",
         [["investigat", "police"], ["investigat", "cpd"]]),
    ]),
    ("001", "What is the current policy for Chicago police cooperation with ICE operations?", [
        *COMMON,
        ("records still go to federal agencies on request (a loophole)",
         [["records", "ice"], ["records", "federal"], ["loophole"]]),
    ]),
]


def normal(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).lower()


def recall(nuggets: Nuggets, text: str) -> tuple[float, list[str]]:
    hay = normal(text)
    missing = [fact for fact, alts in nuggets if not any(all(normal(t) in hay for t in alt) for alt in alts)]
    return 1 - len(missing) / len(nuggets), missing


def words(text: str) -> int:
    return len(re.findall(r"[\w'’.,-]*\w", text))


def seed_body(path: Path) -> str:
    """The seed report from its first heading on (the service's banner and disclaimer left out)."""
    text = path.read_text(encoding="utf-8")
    start = min((i for i in (text.find("Executive summary"), text.find("Executive Summary")) if i >= 0), default=0)
    end = text.find("Want to dive deeper?")
    return text[start:end if end > 0 else None].strip()


def our_reports(questions: list[str]) -> list[tuple[str, str]]:
    """(the report's reading text, its Markdown) for each question, over the demo collection."""
    from veracity.engine import Engine
    from veracity.render import render
    from veracity.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Settings.load(db=Path(tmp) / "demo.db"))
        engine.ingest([ROOT / "examples"])
        out = []
        for q in questions:
            report = engine.check(q, save=False)
            reading = "\n".join([report.summary.text] + [part for f in report.findings
                                                         for part in (f.heading, *(s.text for s in f.sentences))]
                                + [report.bottom_line.text])
            out.append((reading, render(report, "markdown")))
        engine.store.close()
        return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "docs" / "compare-seed-reports.md")
    parser.add_argument("--figures", action="store_true", help="print the nugget figures only")
    args = parser.parse_args()
    seeds = {p.name[:3]: p for p in args.seeds.glob("*.txt")}
    ours = our_reports([q for _, q, _ in QUESTIONS])
    lines = ["# Our reports beside the seed service's", "",
             "Regenerated by `python scripts/compare_seed_reports.py` (the demo collection, extractive mode). "
             "Nuggets: key facts the three demo articles state, listed in the script; a nugget counts when its "
             "words are in the report's text. The seed service also read sources beyond the demo articles, "
             "so facts only it had are not counted for either side.", ""]
    lines += ["| question | seed: nuggets | seed: words | veracity: nuggets | veracity: words |", "|---|---|---|---|---|"]
    sections = []
    for (number, question, nuggets), (reading, markdown) in zip(QUESTIONS, ours):
        seed = seed_body(seeds[number]) if number in seeds else ""
        seed_recall, seed_missing = recall(nuggets, seed)
        our_recall, our_missing = recall(nuggets, reading)
        if args.figures:
            print(f"{number} seed {seed_recall:.2f} veracity {our_recall:.2f} ({words(reading)} words): {question}"
                  f"\n    missing from veracity's: {'; '.join(our_missing) or 'none'}")
        lines.append(f"| {question} (seed {number}) | {seed_recall:.2f} | {words(seed)} | {our_recall:.2f} | "
                     f"{words(reading)} |")
        sections += [f"## {question}", "", "Key facts: " + "; ".join(f for f, _ in nuggets) + ".", "",
                     f"Missing from the seed report: {'; '.join(seed_missing) or 'none'}. "
                     f"Missing from veracity's: {'; '.join(our_missing) or 'none'}.", "",
                     f"### The seed service's report ({number})", "", "```text", seed, "```", "",
                     "### veracity's report", "", "```markdown", markdown.strip(), "```", ""]
    if not args.figures:
        args.out.write_text("\n".join(lines + [""] + sections), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
