"""Records in: reading an auditor's export (or records in memory) into validated facts.

:func:`load_export` reads a folder of CSV / JSON Lines files or an XLSX workbook
(CONTRACT.md "Records in"); :func:`facts_from_records` validates records held in
memory the same way. Both give a :class:`LoadResult`: the :class:`~compliance.facts.Facts`,
every :class:`Rejection` with its file, line, column and reason, and counts per
record kind, so that nothing is dropped in silence. A :class:`Mapping` lets an
export be read as it is, renaming its columns and mapping its values onto the
vocabulary.
"""

from compliance.records.assembly import facts_from_records
from compliance.records.export import load_export
from compliance.records.mapping import Mapping
from compliance.records.result import LoadResult, Rejection

__all__ = ["LoadResult", "Mapping", "Rejection", "facts_from_records", "load_export"]
