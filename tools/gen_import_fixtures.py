#!/usr/bin/env python3
"""Writes the small ODS and XLS case sheets the interchange tests read (fictional people only):
the HTCDS template's first columns, its label row, and three rows. Run from the repository root:
`pip install odfpy xlwt && python3 tools/gen_import_fixtures.py`. The files are checked in, so the
tests need neither library."""
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P
import xlwt

HEADER = ["", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender",
          "prs_Citizenship", "vic_TraffickingStatus", "vic_TypeOfExploitation", "hvn_Region"]
LABELS = ["", "First Name", "Second Name", "Birthdate", "Gender", "Citizenship",
          "Trafficking Status", "Type of Exploitation", ""]
ROWS = [
    ["1", "Zofia", "Wójcik", "2003-04-05", "Feminine", "PL", "PossibleVictimOfTrafficking", "ForcedLabour", "GY-CU"],
    ["2", "Tomás", "Ñandú", "mars 1999", "masculin", "Venezuela", "Victime potentielle de la traite", "Travail forcé; Servitude", "Region 7"],
    ["3", "", "", "31/02/2001", "Feminine", "GY", "ActualVictimOfTrafficking", "ForcedLabour", "GY-CU"],
]

def ods(path):
    doc = OpenDocumentSpreadsheet()
    t = Table(name="Cases")
    for r in [HEADER, LABELS] + ROWS:
        tr = TableRow()
        for v in r:
            c = TableCell(valuetype="string")
            c.addElement(P(text=v))
            tr.addElement(c)
        t.addElement(tr)
    doc.spreadsheet.addElement(t)
    doc.save(path)

def xls(path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Cases")
    for i, r in enumerate([HEADER, LABELS] + ROWS):
        for j, v in enumerate(r):
            if v:
                ws.write(i, j, v)
    wb.save(path)

ods("crates/interchange/tests/data/htcds.ods")
xls("crates/interchange/tests/data/htcds.xls")
