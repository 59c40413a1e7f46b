import AdvocompModel
import Dispatch

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
    /// Cell k spans content[cellStart[k] ..< cellStart[k + 1]]. 32-bit: a million-event
    /// ledger has 11 million cells, and half the bytes to write and read is time saved.
    private var cellStart: [UInt32] = [0]
    /// Row r's cells are rowFirstCell[r] ..< rowFirstCell[r + 1] (row 0 is the header).
    private var rowFirstCell: [Int] = [0]
    /// 1-based line on which each row starts.
    private var rowLine: [Int] = []
    /// 2 when the file was parsed as two halves in parallel (for tests).
    private(set) var halves = 1

    /// Data rows (the header excluded).
    public var count: Int { max(0, rowLine.count - 1) }

    /// Parses `bytes`; syntax problems are appended to `diagnostics`: NUL bytes and
    /// invalid UTF-8 each at its line and CSV column (`what`, such as "a roster", names the
    /// file in their messages), then the rows as well as they can be read.
    public init(file: String, bytes: [UInt8], what: String = "a CSV file", diagnostics: inout [Diagnostic]) {
        self.file = file
        diagnostics += TextEncoding.problems(bytes, file: file, syntax: .csv, what: what)
        guard bytes.count < Int(UInt32.max) else {
            diagnostics.append(.error("the file is larger than 4 GiB, more than advocomp reads", at: SourceLocation(file: file, line: 1, column: 1)))
            return
        }
        content.reserveCapacity(bytes.count)
        cellStart.reserveCapacity(bytes.count / 6)
        bytes.withUnsafeBufferPointer { b in
            if !parseInTwo(b) { parse(b, startLine: 1, skipBOM: true, &diagnostics) }
        }
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

    /// A large file is parsed as two halves side by side (with two workers or more, `Parallel`), split at a line end outside
    /// any quoted field (an even number of quotes before it). Returns false, having kept
    /// nothing, when the file is small, no such line end is near the middle, or either
    /// half has a syntax problem: then one pass from the start parses it, so problems
    /// are reported exactly as they always are.
    private mutating func parseInTwo(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard n >= 1 << 22, Parallel.workers >= 2 else { return false }
        var quotes = 0, newlines = 0
        for k in 0..<n / 2 {
            quotes &+= b[k] == 34 ? 1 : 0
            newlines &+= b[k] == 10 ? 1 : 0
        }
        var split = -1
        var k = n / 2
        while k < min(n, n / 2 + (1 << 20)) {
            if b[k] == 34 { quotes += 1 }
            if b[k] == 10 {
                newlines += 1
                if quotes % 2 == 0 { split = k + 1; break }
            }
            k += 1
        }
        guard split > 0, split < n else { return false }
        var first = CSVTable(file: file, empty: ()), second = CSVTable(file: file, empty: ())
        var problemsFirst: [Diagnostic] = [], problemsSecond: [Diagnostic] = []  // one variable per thread
        first.content.reserveCapacity(split)
        second.content.reserveCapacity(n - split)
        first.cellStart.reserveCapacity(split / 6)
        second.cellStart.reserveCapacity((n - split) / 6)
        Parallel.both({
            first.parse(UnsafeBufferPointer(rebasing: b[0..<split]), startLine: 1, skipBOM: true, &problemsFirst)
        }, {
            second.parse(UnsafeBufferPointer(rebasing: b[split..<n]), startLine: 1 + newlines, skipBOM: false, &problemsSecond)
        })
        guard problemsFirst.isEmpty, problemsSecond.isEmpty else { return false }
        // Concatenate: the second half's cells start after the first's.
        let contentBase = first.content.count, cellBase = first.cellStart.count - 1
        first.content += second.content
        first.cellStart.reserveCapacity(first.cellStart.count + second.cellStart.count)
        for x in second.cellStart.dropFirst() { first.cellStart.append(x + UInt32(contentBase)) }
        for x in second.rowFirstCell.dropFirst() { first.rowFirstCell.append(x + cellBase) }
        first.rowLine += second.rowLine
        content = first.content; cellStart = first.cellStart; rowFirstCell = first.rowFirstCell; rowLine = first.rowLine
        halves = 2
        return true
    }

    private init(file: String, empty: Void) { self.file = file }

    private mutating func parse(_ b: UnsafeBufferPointer<UInt8>, startLine: Int, skipBOM: Bool, _ diagnostics: inout [Diagnostic]) {
        var i = 0
        let n = b.count
        if skipBOM && n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        var line = startLine
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
                    var quote = false
                    while i < n {
                        let c = b[i]
                        // Every byte that matters here (, " CR LF) is below 45: one test for the rest.
                        if c >= 45 { i += 1; continue }
                        if c == UInt8(ascii: ",") || c == 10 || (c == 13 && (i + 1 == n || b[i + 1] == 10)) { break }
                        if c == UInt8(ascii: "\"") { quote = true }
                        i += 1
                    }
                    if start < i {
                        if quote {
                            diagnostics.append(.error("a quote inside an unquoted field (quote the whole field and double the quote)",
                                                      at: SourceLocation(file: file, line: line, column: fieldIndex)))
                        }
                        content.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
                    }
                }
                cellStart.append(UInt32(truncatingIfNeeded: content.count))
                if i >= n { break recordLoop }
                switch b[i] {
                case UInt8(ascii: ","): i += 1
                    if i >= n { cellStart.append(UInt32(truncatingIfNeeded: content.count)); break recordLoop }  // trailing comma: empty last field
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
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(cellStart[k])..<Int(cellStart[k + 1])]), as: UTF8.self)
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
            var s = Int(cellStart[k]), e = Int(cellStart[k + 1])
            while s < e && (all[s] == 32 || all[s] == 9) { s += 1 }
            while e > s && (all[e - 1] == 32 || all[e - 1] == 9) { e -= 1 }
            return body(UnsafeBufferPointer(rebasing: all[s..<e]))
        }
    }

    /// Calls `body` with the cell's bytes as written.
    public func withUntrimmedBytes<R>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard column < cellCount(row: row) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let k = rowFirstCell[row + 1] + column
        return content.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(cellStart[k])..<Int(cellStart[k + 1])])) }
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
