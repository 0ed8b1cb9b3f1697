"""Reading an export folder (or workbook) as an auditor hands it in.

An export is a folder with ``units``, ``people``, ``events`` and ``measures``
files (CSV or JSON Lines, at most one per kind), or a folder with one XLSX
workbook, or the workbook itself, with sheets of those names. A ``mapping.yaml``
in the folder is used unless a mapping is given. Only ``units`` is required.
Other files (a README, an ``expected/`` folder) are not read.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from compliance.errors import Position, RecordError, closest
from compliance.records.assembly import assemble
from compliance.records.kinds import ORDER
from compliance.records.mapping import Mapping
from compliance.records.readers import Source, csv_source, jsonl_source, sheet_source
from compliance.records.result import LoadResult

MAPPING_FILE = "mapping.yaml"
_TEXT_SUFFIXES = {".csv": csv_source, ".jsonl": jsonl_source, ".ndjson": jsonl_source}
_WORKBOOK_SUFFIX = ".xlsx"


def load_export(
    path: Path | str,
    *,
    mapping: Mapping | Path | str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> LoadResult:
    """Read, validate and cross-check an export; rows that cannot be used are rejected, not dropped.

    ``encoding`` forces the text encoding of CSV and JSON Lines files (detected
    otherwise: UTF-8 with or without BOM, else GB18030). With ``strict``, any
    rejected row raises an :class:`~compliance.errors.ErrorGroup` of
    :class:`~compliance.errors.RecordError` with their positions. A folder or
    workbook that cannot be read at all (no units, two files for one kind, a
    header without a required column) raises :class:`RecordError`.
    ``progress(file, rows)``, if given, hears how far each file has been read.
    """
    root = Path(path)
    if isinstance(mapping, (str, Path)):
        mapping = Mapping.load(mapping)
    elif mapping is None and root.is_dir() and (root / MAPPING_FILE).is_file():
        mapping = Mapping.load(root / MAPPING_FILE)
    mapping = mapping or Mapping()
    with ExitStack() as stack:
        if root.is_file() and root.suffix.lower() == _WORKBOOK_SUFFIX:
            sources = _workbook_sources(root, mapping, stack)
        elif root.is_dir():
            files, workbooks = _discover(root, mapping)
            if files:
                sources = [_TEXT_SUFFIXES[file.suffix.lower()](kind, file, encoding) for kind, file in files.items()]
            elif len(workbooks) == 1:
                sources = _workbook_sources(workbooks[0], mapping, stack)
            elif workbooks:
                raise RecordError(
                    "the folder holds several workbooks; keep one, or give the workbook itself",
                    where=Position(str(root)),
                    found=", ".join(workbook.name for workbook in workbooks),
                )
            else:
                sources = []
        else:
            raise RecordError(
                "no such export", where=Position(str(root)), expected="a folder or an .xlsx workbook"
            )
        if not any(source.kind == "units" for source in sources):
            raise RecordError(
                "the export has no units",
                where=Position(str(root)),
                expected=f"a {mapping.stem('units')}.csv, .jsonl or .ndjson file, or a {mapping.stem('units')} sheet",
            )
        return assemble(sources, mapping, strict, progress)


def _discover(root: Path, mapping: Mapping) -> tuple[dict[str, Path], list[Path]]:
    """The text file of each record kind in ``root``, and the workbooks there.

    File stems match the record kinds (or the mapping's ``files``) regardless of
    case. A workbook is only read when no record file is there: a copy of the
    original spreadsheet kept beside the CSV files does not make the export ambiguous.
    """
    kind_of = {mapping.stem(kind).casefold(): kind for kind in ORDER}
    files: dict[str, Path] = {}
    workbooks: list[Path] = []
    for entry in sorted(root.iterdir()):
        if not entry.is_file() or entry.name.startswith((".", "~$")):
            continue
        suffix = entry.suffix.lower()
        if suffix == _WORKBOOK_SUFFIX:
            workbooks.append(entry)
            continue
        kind = kind_of.get(entry.stem.casefold()) if suffix in _TEXT_SUFFIXES else None
        if kind is None:
            continue
        if kind in files:
            raise RecordError(
                f"two files for {kind}: {files[kind].name} and {entry.name}; keep one",
                where=Position(str(entry)),
            )
        files[kind] = entry
    return files, workbooks


def _workbook_sources(path: Path, mapping: Mapping, stack: ExitStack) -> list[Source]:
    """One source per record-kind sheet of a workbook, which stays open until the export is read."""
    import openpyxl  # only exports in XLSX need it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError or its own errors for a bad file
        raise RecordError(f"cannot read the workbook: {error}", where=Position(str(path))) from error
    stack.callback(workbook.close)
    by_name: dict[str, Any] = {name.strip().casefold(): name for name in workbook.sheetnames}
    sources = []
    for kind in ORDER:
        name = by_name.get(mapping.stem(kind).casefold())
        if name is None:
            if kind == "units":
                raise RecordError(
                    "the workbook has no units sheet",
                    where=Position(str(path)),
                    found=", ".join(workbook.sheetnames),
                    suggestion=closest(mapping.stem(kind), workbook.sheetnames),
                )
            continue
        sources.append(sheet_source(kind, path, workbook[name], name))
    return sources
