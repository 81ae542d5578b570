"""Deterministic XLSX bytes from an openpyxl workbook: the same content gives the same file.

openpyxl's ``Workbook.save`` stamps the "modified" property with the current time, and the zip archive records
each member's write time. Every XLSX writer (the assessment matrix, the profile traceability matrix) goes through
:func:`workbook_bytes`, which stamps the workbook with a time the caller chooses and fixes the members' times.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

#: The earliest time a zip archive can record: every member gets it.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def workbook_bytes(workbook: Workbook, *, stamp: datetime) -> bytes:
    """The workbook as XLSX bytes, created and modified at ``stamp``, with fixed archive member times."""
    naive = stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp  # openpyxl writes naive as UTC
    workbook.properties.created = naive
    workbook.properties.modified = naive
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, not Workbook.save: save() stamps the modified property with the current time.
        ExcelWriter(workbook, archive).save()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():  # members in their original order
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
