import AdvocompKit
import Foundation

/// Columns padded to their widest cell, two spaces apart (the history commands' listings).
/// Cells are shown as `Display.text` shows them: control characters escaped.
enum TextTable {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let header = header.map(Display.text)
        let rows = rows.map { $0.map(Display.text) }
        let widths = header.indices.map { c in ([header[c]] + rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in s.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
