import Foundation

/// What a workbook holds, as read back by python3 (`Workbook.read`): the zip's parts, the
/// sheets and their cells (type, formula, value), the defined names and shared strings.
public struct Workbook: Decodable {
    public struct Cell: Decodable {
        public let t: String?  // the cell's type attribute (s, str, inlineStr, n, b, e) or nil
        public let f: String?  // the formula, when there is one
        public let v: String?  // the value (shared strings resolved)
    }
    public let parts: [String]
    public let sheets: [String]
    public let definedNames: [String]
    /// Sheet name -> cell reference (A1) -> cell.
    public let cells: [String: [String: Cell]]
    /// Sheet name -> the part holding it (xl/worksheets/sheetN.xml).
    public let sheetParts: [String: String]
    public let sharedStrings: [String]

    /// The python3 script: the .xlsx named by its argument, as JSON.
    public static let script = #"""
import json, sys, zipfile
import xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
P = '{http://schemas.openxmlformats.org/package/2006/relationships}'
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
def text(e):
    return ''.join(t.text or '' for t in e.iter(M + 't'))
shared = []
if 'xl/sharedStrings.xml' in names:
    shared = [text(si) for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si')]
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels')).findall(P + 'Relationship')}
sheets, parts, cells = [], {}, {}
for s in wb.find(M + 'sheets').findall(M + 'sheet'):
    name = s.get('name')
    target = rels[s.get(R + 'id')]
    part = target.lstrip('/') if target.startswith('/') else 'xl/' + target
    sheets.append(name)
    parts[name] = part
    out = {}
    for c in ET.fromstring(z.read(part)).iter(M + 'c'):
        t = c.get('t')
        f = c.find(M + 'f')
        v = c.find(M + 'v')
        value = v.text if v is not None else None
        if t == 's' and value is not None:
            value = shared[int(value)]
        elif t == 'inlineStr':
            value = text(c.find(M + 'is'))
        out[c.get('r')] = {'t': t, 'f': f.text if f is not None else None, 'v': value}
    cells[name] = out
dn = wb.find(M + 'definedNames')
defined = [d.get('name') for d in dn.findall(M + 'definedName')] if dn is not None else []
json.dump({'parts': names, 'sheets': sheets, 'definedNames': defined, 'cells': cells,
           'sheetParts': parts, 'sharedStrings': shared}, sys.stdout)
"""#

    /// Reads `file` back with python3's zipfile and ElementTree (python3 is installed by scripts/setup).
    public static func read(_ file: URL) throws -> Workbook {
        let r = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file.path])
        guard r.status == 0 else {
            throw Conformance.CaseError("python3 could not read \(file.path) (exit \(r.status)): \(r.stderr)")
        }
        return try JSONDecoder().decode(Workbook.self, from: Data(r.stdout.utf8))
    }
}
