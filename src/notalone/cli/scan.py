"""``notalone scan``: assess every message of a JSONL, CSV or plain-text file, on all cores.

Bad records (invalid JSON, bad encoding, a missing field, an oversized message) are reported
by line number on standard error and skipped, or stop the scan with ``--strict`` (exit 2).
The summary counts them, so nothing is dropped silently. Message text never reaches stderr.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from notalone.cli import jsonlines
from notalone.cli.check import parse_severity
from notalone.cli.conversations import assess, read_conversation_lines
from notalone.cli.jsonlines import BadLine
from notalone.detection.engine import Engine
from notalone.errors import InputError, NotAloneError
from notalone.settings import Settings, build_engine, get_settings
from notalone.taxonomy import FLAG_SEVERITY, Severity

CHUNK = 256
_MAX_FIELD = 2**31 - 1  # the csv module's largest field size limit
_SEVERITIES = frozenset(level.value for level in Severity)


class Format(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    text = "text"


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    id: str | int | None
    text: str | dict  # a message, or with --conversations a conversation object


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    kind: str  # invalid_json | invalid_encoding | missing_field | not_text | too_large ...
    detail: str


def read_jsonl(stream: IO[bytes], text_field: str, id_field: str) -> Iterator[Record | Problem]:
    for line, raw in enumerate(stream, start=1):
        decoded = jsonlines.decode(raw, line)
        if isinstance(decoded, BadLine):
            yield Problem(line, *decoded)
            continue
        if not decoded.strip():
            continue
        obj = jsonlines.parse(decoded)
        if isinstance(obj, BadLine):
            yield Problem(line, *obj)
            continue
        if not isinstance(obj, dict):
            yield Problem(line, "not_object", "not a JSON object")
            continue
        if text_field not in obj:
            yield Problem(line, "missing_field", f"no {text_field!r} field")
            continue
        text = obj[text_field]
        if not isinstance(text, str):
            yield Problem(line, "not_text", f"field {text_field!r} is not a string")
            continue
        rid = obj.get(id_field)
        yield Record(line, _record_id(rid), text)


def _record_id(value: object) -> str | int | None:
    """An id worth echoing: a string or an integer (JSON's true is not an id)."""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def read_text(stream: IO[bytes]) -> Iterator[Record | Problem]:
    for line, raw in enumerate(stream, start=1):
        decoded = jsonlines.decode(raw, line)
        if isinstance(decoded, BadLine):
            yield Problem(line, *decoded)
            continue
        text = decoded.rstrip("\r\n")
        if text.strip():
            yield Record(line, line, text)


def read_csv(
    stream: IO[bytes], text_column: str, id_column: str, delimiter: str = ","
) -> Iterator[Record | Problem]:
    # Fields as long as a line may be: an oversized message is the engine's to refuse (by
    # line, as in the other formats), not the csv module's to abort on at 128 KiB.
    csv.field_size_limit(_MAX_FIELD)
    # utf-8-sig: a byte-order mark (spreadsheet exports) is not part of the first column's name.
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    # strict: a quote left open would otherwise swallow the rest of the file into one message.
    reader = csv.DictReader(wrapper, delimiter=delimiter, strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise InputError(f"malformed CSV header ({exc})") from None
    if fieldnames is None or text_column not in fieldnames:
        raise InputError(
            f"CSV has no column {text_column!r}; columns are: "
            f"{', '.join(fieldnames or [])}. Use --text-column"
            + (" (or --format tsv for tab-separated files)." if delimiter == "," else ".")
        )
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # the parser cannot find the next record after this
            yield Problem(
                reader.line_num,
                "invalid_csv",
                f"malformed CSV ({exc}); the rest of the file was not read",
            )
            return
        line = reader.line_num
        text = row.get(text_column)
        if text is None:
            yield Problem(line, "missing_field", f"no value in column {text_column!r}")
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            yield Problem(line, "invalid_encoding", "not valid UTF-8")
            continue
        rid = row.get(id_column)
        yield Record(line, rid if rid not in (None, "") else line, text)


def _guess(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return Format.jsonl
    if suffix == ".csv":
        return Format.csv
    if suffix in (".tsv", ".tab"):
        return Format.tsv
    return Format.text


# -- workers ---------------------------------------------------------------------------------

_ENGINE: Engine | None = None


def _init_worker(settings: Settings) -> None:
    global _ENGINE
    _ENGINE = build_engine(settings)


Job = tuple[int, str | int | None, str | dict, str | None]  # line, id, text or conversation, lang
# line, severity (or error code), JSON line (or, after an error code, what went wrong or None)
Outcome = tuple[int, str, str | None]


def _analyze_chunk(chunk: list[Job]) -> list[Outcome]:
    """Worker side; one bad message becomes an error code, never an exception."""
    engine = _ENGINE
    if engine is None:
        raise RuntimeError("scan worker used before _init_worker")
    out: list[Outcome] = []
    for line, rid, text, lang in chunk:
        try:
            assessment = engine.analyze(text, lang)
        except NotAloneError as exc:
            out.append((line, exc.code, None))
            continue
        payload = {"id": rid, "line": line, **assessment.model_dump(mode="json")}
        out.append((line, assessment.severity.value, json.dumps(payload, ensure_ascii=False)))
    return out


def _analyze_conversation_chunk(chunk: list[Job]) -> list[Outcome]:
    """Worker side for ``--conversations``: one result per conversation, or its error."""
    engine = _ENGINE
    if engine is None:
        raise RuntimeError("scan worker used before _init_worker")
    out: list[Outcome] = []
    for line, rid, obj, lang in chunk:
        try:
            result = assess(obj, engine, lang)  # type: ignore[arg-type]
        except NotAloneError as exc:
            out.append((line, exc.code, exc.message))
            continue
        payload = {"id": rid, "line": line, **result.model_dump(mode="json")}
        out.append((line, result.severity.value, json.dumps(payload, ensure_ascii=False)))
    return out


def _conversation_records(stream: IO[bytes]) -> Iterator[Record | Problem]:
    for line, item in read_conversation_lines(stream):
        if isinstance(item, str):
            yield Problem(line, "invalid_conversation", item)
        else:
            yield Record(line, _record_id(item.get("id")), item)  # type: ignore[arg-type]


def _chunks(
    records: Iterator[Record | Problem], lang: str | None, problems: list[Problem], strict: bool
) -> Iterator[list[Job]]:
    chunk = []
    for item in records:
        if isinstance(item, Problem):
            problems.append(item)
            if strict:
                break
            continue
        chunk.append((item.line, item.id, item.text, lang))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def scan(
    input: Path = typer.Argument(
        ..., help="JSONL, CSV or plain-text file ('-' for stdin).", allow_dash=True
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write JSON lines here (default stdout)."
    ),
    fmt: Format = typer.Option(
        Format.auto, "--format", help="Input format; guessed from the suffix."
    ),
    text_field: str = typer.Option("text", "--text-field", help="JSONL field holding the message."),
    id_field: str = typer.Option("id", "--id-field", help="JSONL field holding the message id."),
    text_column: str = typer.Option(
        "text", "--text-column", help="CSV column holding the message."
    ),
    id_column: str = typer.Option("id", "--id-column", help="CSV column holding the message id."),
    lang: str | None = typer.Option(
        None, "--lang", help="vi or en for every message; detected when omitted."
    ),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Processes; 0 = all cores."),
    strict: bool = typer.Option(
        False, "--strict", help="Stop with exit 2 at the first bad record."
    ),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help="Exit 1 if any message reaches this severity (low ... critical)."
    ),
    conversations: bool = typer.Option(
        False,
        "--conversations",
        help="JSONL of whole conversations ({id, messages, participants?}): one result each.",
    ),
) -> None:
    """Scan a file of messages (or conversations) and write one JSON result per line."""
    threshold = parse_severity(fail_on)
    settings = get_settings()
    err = Console(stderr=True)
    from_stdin = str(input) == "-"
    if not from_stdin and not input.is_file():
        raise InputError(f"input file {input} does not exist or is not a file")
    if lang is not None and lang not in ("vi", "en"):
        raise InputError(f"unsupported language {lang!r}; use vi or en, or omit --lang")
    if output is not None and not from_stdin and output.exists() and output.samefile(input):
        raise InputError(f"--output {output} is the input file; writing would erase it")
    stream: IO[bytes] = sys.stdin.buffer if from_stdin else _open(input, "rb")
    kind = fmt if fmt is not Format.auto else (Format.jsonl if from_stdin else _guess(input))
    if conversations and kind is not Format.jsonl:
        raise InputError("--conversations reads JSON lines (one conversation per line)")
    worker = _analyze_conversation_chunk if conversations else _analyze_chunk
    if conversations:
        records = _conversation_records(stream)
    elif kind is Format.jsonl:
        records = read_jsonl(stream, text_field, id_field)
    elif kind in (Format.csv, Format.tsv):
        delimiter = "\t" if kind is Format.tsv else ","
        records = read_csv(stream, text_column, id_column, delimiter)
    else:
        records = read_text(stream)
    n_workers = workers or os.cpu_count() or 1
    problems: list[Problem] = []
    counts: Counter[str] = Counter()
    try:
        sink: IO[str] = _open(output, "w") if output else sys.stdout
    except InputError:
        if stream is not sys.stdin.buffer:
            stream.close()
        raise
    progress = Progress(
        TextColumn("scanning"),
        BarColumn(),
        TextColumn("{task.completed:,} " + ("conversations" if conversations else "msgs")),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    )
    reached = False
    try:
        with progress:
            task = progress.add_task("scan", total=None)
            chunks = _chunks(records, lang, problems, strict)
            if n_workers == 1:
                _init_worker(settings)
                results = map(worker, chunks)
                reached = _write(results, sink, counts, problems, threshold, strict, progress, task)
            else:
                with ProcessPoolExecutor(
                    n_workers, initializer=_init_worker, initargs=(settings,)
                ) as pool:
                    try:
                        results = pool.map(worker, chunks)
                        reached = _write(
                            results, sink, counts, problems, threshold, strict, progress, task
                        )
                    finally:  # --strict or a closed pipe may stop before the end
                        pool.shutdown(cancel_futures=True)
    except BrokenPipeError:
        # The reader went away (``notalone scan ... | head``): stop quietly, as a shell tool
        # killed by SIGPIPE would; stdout goes to /dev/null so the final flush stays silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(128 + signal.SIGPIPE) from None
    finally:
        if output:
            sink.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    if strict and problems:  # the scan stopped at the first; later lines were not read
        problems = [min(problems, key=lambda p: p.line)]
    for p in sorted(problems, key=lambda p: p.line):
        err.print(
            f"line {p.line}: {p.detail} — {'stopped' if strict else 'skipped'}", highlight=False
        )
    kinds = Counter(p.kind for p in problems)
    summary = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(kinds.items())) or "none"
    unit = "conversations" if conversations else "messages"
    err.print(
        f"scanned {counts['ok']:,} {unit}, {counts['flagged']:,} flagged; "
        f"skipped {len(problems):,} bad records ({summary})",
        highlight=False,
    )
    if strict and problems:
        raise typer.Exit(2)
    if reached:
        raise typer.Exit(1)


def _open(path: Path, mode: str) -> IO:
    try:
        return path.open(mode) if "b" in mode else path.open(mode, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot open {path} ({exc.strerror})") from None


def _write(
    results: Iterator[list[Outcome]],
    sink: IO[str],
    counts: Counter[str],
    problems: list[Problem],
    threshold: Severity | None,
    strict: bool,
    progress: Progress,
    task: TaskID,
) -> bool:
    """Write outcomes in input order, up to the first bad one with ``strict``; True when some
    message reached ``threshold``."""
    reached = False
    for batch in results:
        for line, severity, out in batch:
            if severity not in _SEVERITIES:  # an error code, and what went wrong
                problems.append(Problem(line, severity, out or severity.replace("_", " ")))
                if strict:
                    return reached
                continue
            assert out is not None
            sink.write(out + "\n")
            counts["ok"] += 1
            level = Severity(severity)
            if level >= FLAG_SEVERITY:
                counts["flagged"] += 1
            if threshold is not None and level >= threshold:
                reached = True
        progress.advance(task, len(batch))
    return reached
