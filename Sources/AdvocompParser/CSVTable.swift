import AdvocompModel

/// An RFC 4180 CSV file held as one byte buffer with cell boundaries.
///
/// Quoted fields (with embedded commas, quotes and newlines), a UTF-8 byte-order mark
/// and CRLF line ends are handled. Cells are unescaped into one contiguous buffer, so
/// reading 100,000 rows allocates a few arrays, not a string per cell.
public struct CSVTable: Sendable {
    public let file: String
    public private(set) var header: [String] = []
    /// Cell contents, concatenated.
    private var content: [UInt8] = []
    /// Cell k spans content[cellStart[k] ..< cellStart[k + 1]].
    private var cellStart: [Int] = [0]
    /// Row r's cells are rowFirstCell[r] ..< rowFirstCell[r + 1] (row 0 is the header).
    private var rowFirstCell: [Int] = [0]
    /// 1-based line on which each row starts.
    private var rowLine: [Int] = []

    /// Data rows (the header excluded).
    public var count: Int { max(0, rowLine.count - 1) }

    /// Parses `bytes`; syntax problems are appended to `diagnostics`.
    public init(file: String, bytes: [UInt8], diagnostics: inout [Diagnostic]) {
        self.file = file
        if let bad = TextEncoding.check(bytes, file: file) { diagnostics.append(bad) }
        content.reserveCapacity(bytes.count)
        cellStart.reserveCapacity(bytes.count / 6)
        bytes.withUnsafeBufferPointer { parse($0, &diagnostics) }
        if rowLine.isEmpty {
            diagnostics.append(.error("the file is empty: a header row is required", at: SourceLocation(file: file, line: 1, column: 1)))
            return
        }
        header = (0..<cellCount(row: -1)).map { rawString(row: -1, column: $0).trimmingASCIISpaces() }
        let width = header.count
        for r in 0..<count where cellCount(row: r) != width {
            let found = cellCount(row: r)
            diagnostics.append(.error("row has \(found) field\(found == 1 ? "" : "s"), the header has \(width)",
                                      at: SourceLocation(file: file, line: line(of: r), column: 1)))
        }
    }

    private mutating func parse(_ b: UnsafeBufferPointer<UInt8>, _ diagnostics: inout [Diagnostic]) {
        var i = 0
        let n = b.count
        if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        var line = 1
        while i < n {
            // Start of a record. Skip blank lines.
            if b[i] == 10 { line += 1; i += 1; continue }
            if b[i] == 13 && i + 1 < n && b[i + 1] == 10 { line += 1; i += 2; continue }
            rowLine.append(line)
            let recordLine = line
            var fieldIndex = 0
            recordLoop: while true {
                fieldIndex += 1
                if i < n && b[i] == UInt8(ascii: "\"") {
                    // Quoted field.
                    i += 1
                    var closed = false
                    while i < n {
                        let c = b[i]
                        if c == UInt8(ascii: "\"") {
                            if i + 1 < n && b[i + 1] == UInt8(ascii: "\"") {
                                content.append(c); i += 2; continue
                            }
                            i += 1; closed = true; break
                        }
                        if c == 10 { line += 1 }
                        content.append(c); i += 1
                    }
                    if !closed {
                        diagnostics.append(.error("unterminated quoted field (a \" is never closed)",
                                                  at: SourceLocation(file: file, line: recordLine, column: fieldIndex)))
                    } else if i < n && b[i] != UInt8(ascii: ",") && b[i] != 10 && b[i] != 13 {
                        diagnostics.append(.error("unexpected text after a closing quote",
                                                  at: SourceLocation(file: file, line: line, column: fieldIndex)))
                        while i < n && b[i] != UInt8(ascii: ",") && b[i] != 10 && b[i] != 13 { content.append(b[i]); i += 1 }
                    }
                } else {
                    let start = i
                    while i < n {
                        let c = b[i]
                        if c == UInt8(ascii: ",") || c == 10 || (c == 13 && (i + 1 == n || b[i + 1] == 10)) { break }
                        i += 1
                    }
                    if start < i {
                        let slice = UnsafeBufferPointer(rebasing: b[start..<i])
                        if slice.contains(UInt8(ascii: "\"")) {
                            diagnostics.append(.error("a quote inside an unquoted field (quote the whole field and double the quote)",
                                                      at: SourceLocation(file: file, line: line, column: fieldIndex)))
                        }
                        content.append(contentsOf: slice)
                    }
                }
                cellStart.append(content.count)
                if i >= n { break recordLoop }
                switch b[i] {
                case UInt8(ascii: ","): i += 1
                    if i >= n { cellStart.append(content.count); break recordLoop }  // trailing comma: empty last field
                case 13: i += (i + 1 < n && b[i + 1] == 10) ? 2 : 1; line += 1; break recordLoop
                default: i += 1; line += 1; break recordLoop
                }
            }
            rowFirstCell.append(cellStart.count - 1)
        }
    }

    /// 1-based line on which data row `row` (0-based) starts.
    public func line(of row: Int) -> Int { rowLine[row + 1] }

    public func location(row: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line(of: row), column: column + 1)
    }

    private func cellCount(row: Int) -> Int { rowFirstCell[row + 2] - rowFirstCell[row + 1] }

    private func rawString(row: Int, column: Int) -> String {
        let k = rowFirstCell[row + 1] + column
        return content.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[cellStart[k]..<cellStart[k + 1]]), as: UTF8.self)
        }
    }

    /// The cell text, or "" when the row is short.
    public func string(row: Int, column: Int) -> String {
        guard column < cellCount(row: row) else { return "" }
        return rawString(row: row, column: column)
    }

    /// Calls `body` with the cell's bytes, surrounding spaces trimmed.
    public func withTrimmedBytes<R>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard column < cellCount(row: row) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let k = rowFirstCell[row + 1] + column
        return content.withUnsafeBufferPointer { all in
            var s = cellStart[k], e = cellStart[k + 1]
            while s < e && (all[s] == 32 || all[s] == 9) { s += 1 }
            while e > s && (all[e - 1] == 32 || all[e - 1] == 9) { e -= 1 }
            return body(UnsafeBufferPointer(rebasing: all[s..<e]))
        }
    }

    /// Calls `body` with the cell's bytes as written.
    public func withUntrimmedBytes<R>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard column < cellCount(row: row) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let k = rowFirstCell[row + 1] + column
        return content.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[cellStart[k]..<cellStart[k + 1]])) }
    }

    /// The cell text with surrounding spaces and tabs removed.
    public func trimmedString(row: Int, column: Int) -> String {
        withTrimmedBytes(row: row, column: column) { String(decoding: $0, as: UTF8.self) }
    }

    public func isBlank(row: Int, column: Int) -> Bool {
        withTrimmedBytes(row: row, column: column) { $0.isEmpty }
    }

    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
