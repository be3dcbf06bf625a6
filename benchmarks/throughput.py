"""Single-core speed of ``Engine.analyze`` on real public messages.

Why it exists: the detection issue sets a target of >= 20,000 messages/s per core for the
rules path. This script measures it on a fixed, realistic mix of Vietnamese and English
messages, one message at a time, and puts three configurations side by side in one run:

(a) ``Engine.analyze`` as shipped (rules matched by the Aho-Corasick automaton);
(b) the same engine with the rule-by-rule ``ReferenceMatcher`` (its verdicts must be
    identical to (a)'s on every message, or the script exits 1);
(c) a naive keyword filter: one Python ``re`` alternation of every phrase pattern, searched
    in the lower-cased text. It does less work than (a) (no normalization, no teencode, no
    spans, no combinations): it is what "just keyword matching" costs when written the
    obvious way, the bar that (a)'s extra work is measured against.

Usage: python benchmarks/throughput.py [--data-dir DIR] [--limit N] [--repeat R] [--json FILE]
       [--only-automaton]
The datasets are read in place (never copied); see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import gc
import inspect
import json
import math
import os
import platform
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from notalone.detection import Engine
from notalone.detection.rules.detector import RuleDetector
from notalone.detection.rules.matcher import GAP
from notalone.detection.rules.pack import RuleSet
from notalone.detection.types import Assessment
from notalone.machine import cpu_model
from notalone.taxonomy import FLAG_SEVERITY

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "datasets"
TARGET_PER_CORE = 20_000  # messages/s per core for the rules path (the target)
SEED = 20_251_124
MIX = "mix"
WARMUP = 300  # messages through each configuration before the clock starts


class DatasetError(Exception):
    """A dataset file is missing or not in the shape its SOURCE.md describes."""


# -- datasets ---------------------------------------------------------------------------------


def _read(path: Path, encoding: str = "utf-8") -> str:
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    try:
        return path.read_text(encoding)
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not valid UTF-8 ({exc})") from None


def _csv_column(path: Path, column: str, encoding: str = "utf-8") -> list[str]:
    try:
        reader = csv.DictReader(_read(path, encoding).splitlines())
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise DatasetError(f"{path}: no {column!r} column (header: {reader.fieldnames})")
        return [row[column] or "" for row in reader]
    except csv.Error as exc:
        raise DatasetError(f"{path}: malformed CSV ({exc})") from None


def _vihsd(root: Path) -> list[str]:
    """Vietnamese Facebook/YouTube comments; columns free_text, label_id."""
    return _csv_column(root / "test.csv", "free_text")


def _sms_spam(root: Path) -> list[str]:
    """English SMS; one ``label<TAB>text`` per line, label ham or spam."""
    path = root / "SMSSpamCollection"
    texts = []
    for n, line in enumerate(_read(path).splitlines(), start=1):
        label, tab, text = line.partition("\t")
        if not tab or label not in ("ham", "spam"):
            raise DatasetError(f"{path}:{n}: expected 'ham' or 'spam', a tab, then the text")
        texts.append(text)
    return texts


def _vi_sms(root: Path) -> list[str]:
    """Real Vietnamese SMS (the 2,353 of labeled_sms_data.csv, not the padded dataset.csv)."""
    return _csv_column(root / "labeled_sms_data.csv", "content", encoding="utf-8-sig")


def _nps_chat(root: Path) -> list[str]:
    """English chat-room posts, leaving out the JOIN/PART "System" events."""
    files = sorted((root / "nps_chat").glob("*.xml"))
    if not files:
        raise DatasetError(f"{root / 'nps_chat'}: no session .xml files")
    texts = []
    for path in files:
        try:
            posts = ET.fromstring(_read(path)).iter("Post")
        except ET.ParseError as exc:
            raise DatasetError(f"{path}: malformed XML ({exc})") from None
        texts.extend(p.text or "" for p in posts if p.get("class") != "System")
    return texts


@dataclass(frozen=True)
class Source:
    name: str  # the dataset's folder under the data directory
    short: str  # its name in the table
    what: str
    load: Callable[[Path], list[str]]
    required: bool


SOURCES = (
    Source("vihsd", "vihsd", "Vietnamese social-media comments", _vihsd, required=True),
    Source("sms-spam-uci", "sms-spam", "English SMS", _sms_spam, required=True),
    Source("vi-sms-smishing-ie403", "vi-sms", "Vietnamese SMS", _vi_sms, required=False),
    Source("nps-chat", "nps-chat", "English chat-room posts", _nps_chat, required=False),
)


@dataclass(frozen=True)
class Message:
    source: str
    text: str


def load_mix(data_dir: Path, limit: int) -> tuple[list[Message], list[str]]:
    """An equal, seeded sample of each available source, shuffled; and notes on what's left out."""
    pools: dict[str, list[str]] = {}
    notes = []
    for source in SOURCES:
        root = data_dir / source.name
        if not root.is_dir():
            if source.required:
                raise DatasetError(f"{root}: dataset folder not found (see --data-dir)")
            notes.append(f"{source.name} not found under {data_dir}; left out")
            continue
        texts = [t for t in source.load(root) if t.strip()]
        if not texts:
            raise DatasetError(f"{root}: no messages")
        pools[source.name] = texts
    per_source = min(limit // len(pools), *(len(t) for t in pools.values()))
    if per_source < 1:
        raise DatasetError(f"--limit {limit} leaves no message for each of {len(pools)} sources")
    rng = random.Random(SEED)
    mix = [Message(name, t) for name, texts in pools.items() for t in rng.sample(texts, per_source)]
    rng.shuffle(mix)
    return mix, notes


# -- configurations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    label: str
    analyze: Callable[[str], object]
    assesses: bool  # returns an Assessment (so it has verdicts to compare and flag)


def keyword_regex(ruleset: RuleSet) -> re.Pattern[str]:
    """Every phrase pattern as one alternation: escaped words, word boundaries, ``...`` gaps
    as up to ``max_gap`` words, ``*`` as an open end. No folding, teencode or repairs."""
    alternatives = set()
    for rule in ruleset.rules:
        gap = rf"\W+(?:\w+\W+){{0,{rule.max_gap}}}"
        for pattern in rule.patterns:
            parts = []
            for part in pattern.lower().split(GAP):
                part = part.strip()
                words = r"\s+".join(map(re.escape, part.rstrip("*").split()))
                parts.append(rf"\b{words}" + ("" if part.endswith("*") else r"\b"))
            alternatives.add(gap.join(parts))
    return re.compile("|".join(sorted(alternatives)) or r"(?!)")


def rules_engine(**kwargs: object) -> Engine:
    """An engine with the rule packs only: trained classifiers, where the engine has them,
    are left out, because the target is about the rules path."""
    if "classifiers" in inspect.signature(Engine).parameters:
        kwargs["classifiers"] = False
    return Engine(**kwargs)  # type: ignore[arg-type]


def use_reference_matcher(engine: Engine) -> None:
    """Replace the engine's RuleDetector by one with the ``ReferenceMatcher``, in every list
    of detectors the engine keeps (the ones it registers and the ones it runs)."""
    built = engine.detectors[0]
    if not isinstance(built, RuleDetector):
        raise RuntimeError("Engine no longer puts its RuleDetector first; update the benchmark")
    reference = RuleDetector(engine.ruleset, reference=True)

    def swapped(item: object) -> object:
        if item is built:
            return reference
        if isinstance(item, tuple) and item and item[0] is built:  # (detector, its languages)
            return (reference, *item[1:])
        return item

    def holds_built(value: object) -> bool:
        if value is built:
            return True
        if isinstance(value, dict):
            return any(map(holds_built, value.values()))
        return isinstance(value, (list, tuple, set, frozenset)) and any(map(holds_built, value))

    for value in vars(engine).values():
        if isinstance(value, list):
            value[:] = [swapped(item) for item in value]
    left = [name for name, value in vars(engine).items() if holds_built(value)]
    if left:
        raise RuntimeError(f"Engine still runs its RuleDetector from {left}; update the benchmark")


def build_configs(only_automaton: bool = False) -> tuple[list[Config], Engine]:
    fast = rules_engine()
    if only_automaton:
        return [Config("(a) automaton", fast.analyze, assesses=True)], fast
    # Same ruleset, same lexicon (it depends on the rules, not on the matcher), same detector
    # name and source, so (b) differs from (a) only in how the phrase parts are found.
    reference = rules_engine(rules=fast.ruleset)
    use_reference_matcher(reference)
    keywords = keyword_regex(fast.ruleset)
    return [
        Config("(a) automaton", fast.analyze, assesses=True),
        Config("(b) reference", reference.analyze, assesses=True),
        Config("(c) keywords", lambda text: keywords.search(text.lower()), assesses=False),
    ], fast


# -- measuring --------------------------------------------------------------------------------


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def timed_pass(
    analyze: Callable[[str], object], texts: list[str]
) -> tuple[list[int], list[object]]:
    """Nanoseconds per call, one message at a time; and what each call returned."""
    clock = time.perf_counter_ns
    spent = [0] * len(texts)
    results: list[object] = [None] * len(texts)
    gc.collect()
    for i, text in enumerate(texts):
        start = clock()
        result = analyze(text)
        spent[i] = clock() - start
        results[i] = result
    return spent, results


def percentile(ordered: list[int], q: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Row:
    configuration: str
    scope: str
    messages: int
    samples: int
    msgs_per_s: float
    p50_us: float
    p99_us: float
    max_us: float
    flagged_share: float | None


def summarize(config: str, scope: str, messages: int, ns: list[int], flagged: float | None) -> Row:
    ordered = sorted(ns)
    return Row(
        configuration=config,
        scope=scope,
        messages=messages,
        samples=len(ns),
        msgs_per_s=len(ns) / (sum(ns) / 1e9),
        p50_us=percentile(ordered, 0.50) / 1e3,
        p99_us=percentile(ordered, 0.99) / 1e3,
        max_us=ordered[-1] / 1e3,
        flagged_share=flagged,
    )


def measure(
    configs: list[Config], mix: list[Message], scopes: list[str], repeat: int
) -> tuple[list[Row], list[int]]:
    """Rows per scope and configuration, and the indexes where (a) and (b) disagree."""
    texts = [m.text for m in mix]
    for config in configs:
        for text in texts[:WARMUP]:
            config.analyze(text)
    # Repeats interleave the configurations so that drift on the machine hits all alike.
    ns: dict[str, list[int]] = {c.label: [] for c in configs}
    results: dict[str, list[object]] = {}
    for _ in range(repeat):
        for config in configs:
            spent, results[config.label] = timed_pass(config.analyze, texts)
            ns[config.label].extend(spent)
    assessed = [results[c.label] for c in configs if c.assesses]
    disagree = []
    if len(assessed) == 2:
        first, second = assessed
        disagree = [i for i, (x, y) in enumerate(zip(first, second, strict=True)) if x != y]
    rows = []
    for scope in scopes:
        picked = [i for i, m in enumerate(mix) if scope in (MIX, m.source)]
        for config in configs:
            flagged = None
            if config.assesses:
                flagged = sum(_flagged(results[config.label][i]) for i in picked) / len(picked)
            times = [ns[config.label][r * len(mix) + i] for r in range(repeat) for i in picked]
            rows.append(summarize(config.label, scope, len(picked), times, flagged))
    return rows, disagree


def _flagged(result: object) -> bool:
    return isinstance(result, Assessment) and result.severity >= FLAG_SEVERITY  # >= medium


# -- reporting --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    return {
        "cpu": cpu_model() or platform.processor() or "unknown",
        "cores_online": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
    }


def render(rows: list[Row], repeat: int) -> Table:
    short = {s.name: s.short for s in SOURCES}
    table = Table(
        title=f"One core, one message per call, {repeat} timed pass(es)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Source")
    table.add_column("Config")
    for heading in ("n", "msg/s", "p50 µs", "p99 µs", "max µs", "flagged"):
        table.add_column(heading, justify="right")
    scope = None
    for row in rows:
        if scope is not None and row.scope != scope:
            table.add_section()
        scope = row.scope
        table.add_row(
            short.get(row.scope, row.scope),
            row.configuration,
            f"{row.messages:,}",
            f"{row.msgs_per_s:,.0f}",
            f"{row.p50_us:,.0f}",
            f"{row.p99_us:,.0f}",
            f"{row.max_us:,.0f}",
            "—" if row.flagged_share is None else f"{row.flagged_share:.1%}",
        )
    return table


LEGEND = (
    "(a) Engine.analyze as shipped: normalization, both languages' packs through the "
    "Aho-Corasick automaton, regex rules, combinations, advice.\n"
    "(b) the same engine with the rule-by-rule ReferenceMatcher; its verdicts must equal (a)'s.\n"
    "(c) one Python re alternation of every phrase pattern, .search on the lower-cased text: "
    "no normalization, teencode, spans or combinations (a floor on work, not a detector).\n"
    "flagged: share of messages with severity >= medium. msg/s: calls / time inside the calls."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="folder holding the datasets (default: ../shared/datasets from the repo root)",
    )
    parser.add_argument("--limit", type=int, default=4000, help="messages in the mix, all sources")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the mix")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers here")
    parser.add_argument(
        "--only-automaton",
        action="store_true",
        help="time row (a) alone (minutes faster; (a) and (b) are then not compared)",
    )
    args = parser.parse_args(argv)
    if args.limit < 1 or args.repeat < 1:
        parser.error("--limit and --repeat must be positive")
    console = Console(highlight=False)
    try:
        mix, notes = load_mix(args.data_dir, args.limit)
    except DatasetError as exc:
        console.print(f"[red]dataset error:[/red] {exc}")
        return 2
    pinned = pin_to_one_core()
    configs, engine = build_configs(args.only_automaton)
    ruleset = engine.ruleset
    counts = {s.name: n for s in SOURCES if (n := sum(m.source == s.name for m in mix))}
    host = machine()
    date = datetime.now(UTC).isoformat(timespec="seconds")
    what = {s.name: s.what for s in SOURCES}
    console.print(f"Date: {date}")
    console.print(f"CPU: {host['cpu']} ({host['cores_online']} cores online; {pinned})")
    console.print(f"Python: {host['python']} on {host['platform']}")
    console.print(
        f"Rules: {ruleset.digest}, {len(ruleset.rules)} rules, "
        f"{sum(len(r.patterns) for r in ruleset.rules):,} phrase patterns"
    )
    parts = ", ".join(f"{n:,} {name} ({what[name]})" for name, n in counts.items())
    console.print(f"Messages: {len(mix):,} = {parts}")
    for note in notes:
        console.print(f"Note: {note}")

    rows, disagree = measure(configs, mix, [MIX, *counts], args.repeat)
    console.print(render(rows, args.repeat))
    legend = LEGEND.splitlines()
    console.print("\n".join([legend[0], legend[-1]] if args.only_automaton else legend))
    fast = rows[0]
    met = fast.msgs_per_s >= TARGET_PER_CORE
    console.print(
        f"Target (issue): the rules path reaches >= {TARGET_PER_CORE:,} messages/s per core; "
        f"(a) on the mix: {fast.msgs_per_s:,.0f} msg/s, {'met' if met else 'NOT met'}."
    )
    if disagree:
        where = ", ".join(f"#{i} ({mix[i].source})" for i in disagree[:10])
        console.print(f"[red]FAIL:[/red] (a) and (b) disagree on {len(disagree)} messages: {where}")
    elif args.only_automaton:
        console.print("(a) alone: its verdicts were not compared with (b)'s.")
    else:
        console.print(f"(a) and (b) agree on all {len(mix):,} verdicts.")

    if args.json:
        report = {
            "date": date,
            "machine": {**host, "affinity": pinned},
            "rules": {"digest": ruleset.digest, "count": len(ruleset.rules)},
            "messages": {"total": len(mix), **counts},
            "seed": SEED,
            "repeat": args.repeat,
            "target_msgs_per_s": TARGET_PER_CORE,
            "target_met": met,
            "verdicts_agree": None if args.only_automaton else not disagree,
            "disagreements": [{"index": i, "source": mix[i].source} for i in disagree],
            "results": [asdict(row) for row in rows],
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        console.print(f"Wrote {args.json}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
