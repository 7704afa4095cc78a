"""Malformed files, generated from good ones, for the tests and ``bench/malformed_files.py``: agreement files (YAML and
JSON), general-ledger files (CSV and XLSX) and Better Care Fund planning workbooks (XLSX) broken the ways a careless
export or a determined tester breaks them.

Each generator is seeded, so a failure is reproduced by its number. A file is a good one changed once or more: at the
level of its bytes (truncated, bytes flipped, NUL and lone surrogates, another encoding, a line doubled or dropped) or
of its values (a field given a hostile value: huge and other-script numbers, impossible dates, deep nesting, very long
text, the wrong type, alias bombs).
"""

import copy
import io
import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook

from tests.ledger.importfiles import HEADINGS, generated_rows, ledger_csv

HOSTILE_VALUES = [
    None, "", " ", -1, 0, 10**30, -(10**30), "9" * 5000, 1e309, "1e309", float("nan"), "NaN", "Infinity",
    "٣٤٥", "１２３", "２０２４-０４-０１", "٢٠٢٤-٠٤-٠١", "2024-02-30", "0001-01-01", "9999-12-31", "31/02/2024",
    "\x00", "a\x00b", "\ud800", "x" * 100_000, "=HYPERLINK(\"http://evil\")", "<script>alert(1)</script>",
    "'; DROP TABLE agreements_agreement; --", [], {}, [[[[[]]]]], {"a": {"b": {"c": {}}}}, True, False, 3.14159,
    "\u202e reversed", "\t", "\r\n", "🙂" * 100, "Ω" * 300,
]

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + level)}: &{chr(98 + level)} [*{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, "
    f"*{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, "
    f"*{chr(97 + level)}]\n" for level in range(9))


def _paths(value, path=()) -> Iterator[tuple]:
    """Every path to a value inside nested dicts and lists."""
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*path, index))


def _set(document, path: tuple, value) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _byte_mutation(data: bytes, chance: random.Random) -> bytes:
    kind = chance.randrange(12)
    at = chance.randrange(len(data) + 1)
    if kind == 0:
        return data[:at]  # truncated
    if kind == 1:
        mutable = bytearray(data)
        for _ in range(chance.randint(1, 20)):
            mutable[chance.randrange(len(mutable))] = chance.randrange(256)
        return bytes(mutable)
    if kind == 2:
        return data[:at] + b"\x00" + data[at:]
    if kind == 3:
        return data[:at] + b"\xed\xa0\x80" + data[at:]  # a lone surrogate, as UTF-8 never writes it
    if kind == 4:
        return data.decode("utf-8", "replace").encode("utf-16")
    if kind == 5:
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    lines = data.split(b"\n")
    line = chance.randrange(len(lines))
    if kind == 6:
        return b"\n".join(lines[:line] + [lines[line]] * 2 + lines[line + 1:])
    if kind == 7:
        return b"\n".join(lines[:line] + lines[line + 1:])
    if kind == 8:
        return data[:at] + _deep(chance.choice([40, 1000, 50_000])).encode() + data[at:]
    if kind == 9:
        return data[:at] + b"9" * chance.choice([25, 400, 20_000]) + data[at:]
    if kind == 10:
        return b"\xef\xbb\xbf" * chance.randint(1, 3) + data
    return bytes(chance.randrange(256) for _ in range(chance.randint(0, 2000)))  # noise


def malformed_agreement_files(good: dict, count: int, folder: Path, *, seed: int = 75) -> Iterator[Path]:
    """``count`` agreement files made from the document ``good``, written into ``folder``."""
    chance = random.Random(seed)
    paths = list(_paths(good))[1:]
    for number in range(count):
        document = copy.deepcopy(good)
        for _ in range(chance.randint(1, 3)):
            path = chance.choice(list(_paths(document))[1:] or paths)
            try:
                _set(document, path, copy.deepcopy(chance.choice(HOSTILE_VALUES)))
            except (KeyError, IndexError, TypeError):
                continue
        as_json = chance.random() < 0.3
        try:
            text = (json.dumps(document, default=str, ensure_ascii=chance.random() < 0.5) if as_json
                    else yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
        except (ValueError, yaml.YAMLError):
            text = json.dumps(document, default=str)
            as_json = True
        data = text.encode("utf-8", "surrogatepass")
        if chance.random() < 0.5:
            data = _byte_mutation(data, chance)
        if not as_json and chance.random() < 0.05:
            data = ALIAS_BOMB.encode() + data
        path = folder / f"agreement-{number:04d}.{'json' if as_json else 'yaml'}"
        path.write_bytes(data)
        yield path


def malformed_ledger_files(count: int, folder: Path, *, seed: int = 75) -> Iterator[Path]:
    """``count`` general-ledger files (about one in four a workbook), each of good rows with unique line ids
    broken once or more, written into ``folder``."""
    chance = random.Random(seed)
    for number in range(count):
        rows = generated_rows(chance.randint(1, 40), prefix=f"M{number:04d}-")
        headings = list(HEADINGS)
        for _ in range(chance.randint(1, 3)):
            what = chance.randrange(5)
            if what == 0 and any(rows):
                row = chance.choice([row for row in rows if row])
                row[chance.randrange(len(row))] = chance.choice(HOSTILE_VALUES)
            elif what == 1:
                headings[chance.randrange(len(headings))] = chance.choice(["", "Amount", "=1+1", "x" * 5000, None])
            elif what == 2:
                headings += [f"Extra {column}" for column in range(chance.choice([1, 600]))]
            elif what == 3 and rows:
                rows.append(list(chance.choice(rows)))  # a line id twice
            else:
                rows.append([str(date(2024, 4, 1))] * chance.randint(0, 12))  # a row too short or too long
        if chance.random() < 0.25:
            path = folder / f"ledger-{number:04d}.xlsx"
            workbook = Workbook()
            sheet = workbook.active
            for cells in [headings, *rows]:
                sheet.append([_cell(value) for value in cells])
            stream = io.BytesIO()
            workbook.save(stream)
            data = stream.getvalue()
            if chance.random() < 0.3:
                data = _byte_mutation(data, chance)
            path.write_bytes(data)
        else:
            path = folder / f"ledger-{number:04d}.csv"
            ledger_csv(path, [[_text(value) for value in cells] for cells in rows],
                       headings=[_text(value) for value in headings])
            if chance.random() < 0.5:
                path.write_bytes(_byte_mutation(path.read_bytes(), chance))
        yield path


def malformed_bcf_workbooks(good: bytes, count: int, folder: Path, *, seed: int = 75) -> Iterator[Path]:
    """``count`` planning workbooks made from the workbook ``good`` (as s75 exports it), written into ``folder``:
    cells given hostile values, rows doubled or cleared, sheets renamed, removed or added, columns added, 2,500
    rows where a plan has a few, and (about one in four) the saved file's bytes broken too."""
    chance = random.Random(seed)
    for number in range(count):
        workbook = load_workbook(io.BytesIO(good))
        for _ in range(chance.randint(1, 4)):
            sheet = chance.choice(workbook.worksheets)
            what = chance.randrange(8)
            row, column = chance.randint(1, max(sheet.max_row, 1) + 1), chance.randint(1, max(sheet.max_column, 1))
            if what <= 2:
                sheet.cell(row, column, _cell(chance.choice(HOSTILE_VALUES)))
            elif what == 3:
                sheet.append([cell.value for cell in sheet[min(row, sheet.max_row)]])  # a row twice
            elif what == 4:
                sheet.delete_rows(row)
            elif what == 5:
                sheet.title = chance.choice(["Sheet1", sheet.title.upper(), f"{sheet.title} ", "x" * 31])[:31]
            elif what == 6 and len(workbook.worksheets) > 1:
                workbook.remove(sheet)
            elif chance.random() < 0.3:
                for extra in range(2_500):
                    sheet.append([f"Row {extra}", extra])
            else:
                sheet.cell(row, sheet.max_column + chance.choice([1, 600]), "Extra")
        stream = io.BytesIO()
        workbook.save(stream)
        data = stream.getvalue()
        if chance.random() < 0.25:
            data = _byte_mutation(data, chance)
        path = folder / f"plan-{number:04d}.xlsx"
        path.write_bytes(data)
        yield path


def _text(value) -> str:
    return "" if value is None else str(value).encode("utf-8", "replace").decode("utf-8")


def _cell(value):
    """A value a workbook can hold: what openpyxl refuses (control characters, lists, integers past 15 digits)
    written as text."""
    if isinstance(value, bool | float) or (isinstance(value, int) and abs(value) < 10**15):
        return value
    text = _text(value)
    return "".join(character for character in text if character >= " " or character in "\t\n\r")[:32_000]
