"""The incoming register as a spreadsheet (openpyxl): one sheet with the cover's particulars on top,
then the ten columns of NĐ 30/2020 Phụ lục IV, one row a line, dates as dates."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from registry.printed import COLUMNS, TITLE, PrintedRegister

WIDTHS = (12, 8, 30, 18, 12, 60, 20, 12, 14, 28)  # characters, one a column
DATE_FORMAT = "DD/MM/YYYY"


def render_xlsx(register: PrintedRegister) -> bytes:
    cover = register.cover
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = f"Sổ đến {cover.year}"
    sheet.append([cover.agency])
    sheet.append([f"{TITLE} năm {cover.year}, quyển số {cover.volume}"])
    sheet.append([f"Từ ngày {_day(cover.first_day)} đến ngày {_day(cover.last_day)}, "
                  f"từ số {cover.first_number or '…'} đến số {cover.last_number or '…'}"])
    sheet.append([])
    sheet.append(list(COLUMNS))
    sheet.append([f"({i})" for i in range(1, len(COLUMNS) + 1)])
    header = sheet.max_row - 1
    for line in register.lines:
        sheet.append(list(line.cells()))
        for cell in sheet[sheet.max_row]:  # what the register says, never a formula (red team 65: a number "=HYPERLINK(…)")
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in sheet.iter_rows(min_row=header):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for cell in sheet[header]:
        cell.font = Font(bold=True)
    sheet["A2"].font = Font(bold=True)
    sheet.freeze_panes = f"A{header + 2}"  # the headings stay in sight
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "…"
