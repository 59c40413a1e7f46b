import AdvocompModel

/// Input files must be UTF-8. Every byte that is not (an invalid UTF-8 sequence, a NUL,
/// and in YAML any other character YAML forbids) is reported where it is, all of them at
/// once up to `maxListed`, and never replaced silently.
///
/// Locations follow the file type: in YAML the line (line breaks as YAML counts them: LF,
/// CR, CRLF, U+0085, U+2028, U+2029) and the character column; in CSV the line the byte
/// is on and the CSV column (1-based field number) of the field holding it, as for every
/// other CSV error. A byte-order mark at the start of a file is skipped and not counted.
public enum TextEncoding {
    public enum Syntax: Sendable {
        /// A plan, OKR set or scenario: YAML allows tab, line breaks and printable
        /// characters, so NUL, the other C0 controls, DEL, the C1 controls but U+0085,
        /// U+FFFE and U+FFFF are errors too.
        case yaml
        /// A roster, actuals or events file: NUL is an error; other control characters
        /// are data (shown escaped on a terminal, kept exact in CSV and JSON outputs).
        case csv
    }

    /// At most this many problems are listed; the last one then notes how many more there are.
    public static let maxListed = 20

    /// The UTF-8 byte-order mark.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public static func problems(_ bytes: [UInt8], file: String, syntax: Syntax, what: String) -> [Diagnostic] {
        bytes.withUnsafeBufferPointer { problems($0, file: file, syntax: syntax, what: what) }
    }

    /// Every problem of `b` (the bytes of `file`, `what` is "a plan", "a roster"...), located.
    public static func problems(_ b: UnsafeBufferPointer<UInt8>, file: String, syntax: Syntax, what: String) -> [Diagnostic] {
        if syntax == .csv && isCleanCSV(b) { return [] }
        var listed: [Diagnostic] = []
        var unlisted = 0
        func report(_ message: String, _ line: Int, _ column: Int) {
            if listed.count < maxListed {
                listed.append(.error(message, at: SourceLocation(file: file, line: line, column: column)))
            } else {
                unlisted += 1
            }
        }
        let n = b.count
        var i = hasByteOrderMark(b) ? 3 : 0
        var line = 1
        var column = 1  // YAML: the character column
        var field = 1, inQuotes = false, atFieldStart = true  // CSV: the field, as CSVTable splits them
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if c == 0 {
                    report("a NUL byte (0x00) is not allowed in \(what)", line, syntax == .yaml ? column : field)
                } else if syntax == .yaml && ((c < 0x20 && c != 9 && c != 10 && c != 13) || c == 0x7F) {
                    report("control character \(codePoint(UInt32(c))) is not allowed in \(what)" + yamlHint, line, column)
                }
                i += 1
                switch syntax {
                case .yaml:
                    if c == 10 || c == 13 {
                        if c == 13 && i < n && b[i] == 10 { i += 1 }
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                case .csv:
                    if inQuotes {
                        if c == 34 {
                            if i < n && b[i] == 34 { i += 1 } else { inQuotes = false }
                        } else if c == 10 {
                            line += 1
                        }
                    } else if c == 44 {
                        field += 1
                        atFieldStart = true
                    } else if c == 10 {
                        line += 1
                        field = 1
                        atFieldStart = true
                    } else {
                        if c == 34 && atFieldStart { inQuotes = true }
                        atFieldStart = false
                    }
                }
                continue
            }
            guard let (scalar, length) = decode(b, at: i) else {
                // A run of bytes that start no valid sequence: one problem.
                var j = i + 1
                while j < n && b[j] >= 0x80 && decode(b, at: j) == nil { j += 1 }
                let count = j - i
                let shown = (i..<min(j, i + 4)).map { hex(b[$0]) }.joined(separator: " ") + (count > 4 ? " ..." : "")
                let message = count == 1 ? "invalid UTF-8 byte \(shown)"
                    : count <= 4 ? "invalid UTF-8 bytes \(shown)" : "\(count) invalid UTF-8 bytes \(shown)"
                report(message + " in \(what) (save the file as UTF-8)", line, syntax == .yaml ? column : field)
                column += count
                atFieldStart = false
                i = j
                continue
            }
            i += length
            atFieldStart = false
            guard syntax == .yaml else { continue }
            if (scalar >= 0x80 && scalar <= 0x9F && scalar != 0x85) || scalar == 0xFFFE || scalar == 0xFFFF {
                let kind = scalar <= 0x9F ? "control character" : "character"
                report("\(kind) \(codePoint(scalar)) is not allowed in \(what)" + yamlHint, line, column)
            }
            if scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029 {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        if unlisted > 0, let last = listed.popLast() {
            let more = Diagnostic.Note("and \(unlisted) more such byte\(unlisted == 1 ? "" : "s") or character\(unlisted == 1 ? "" : "s") in \(file), not listed")
            listed.append(.error(last.message, at: last.location, notes: last.notes + [more]))
        }
        return listed
    }

    static let yamlHint = " (YAML allows tabs and line breaks, no other control characters)"

    public static func hasByteOrderMark(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
    }

    /// No NUL byte and valid UTF-8: one pass over the bytes, and a validation only when
    /// there are bytes above 0x7F (a 76 MB ledger is checked in a few milliseconds).
    static func isCleanCSV(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0, low: UInt8 = 0xFF
        for x in b {
            high |= x
            low = min(low, x)
        }
        if low == 0 { return false }
        return high < 0x80 || String(validating: b, as: UTF8.self) != nil
    }

    /// The scalar of the well-formed UTF-8 sequence starting at `i` (a byte above 0x7F)
    /// and its length, or nil when none starts there (Unicode's table 3-7).
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let c = b[i]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the second byte's range
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        var scalar = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            let x = b[i + k]
            if k == 1 ? (x < low || x > high) : (x < 0x80 || x > 0xBF) { return nil }
            scalar = scalar << 6 | UInt32(x & 0x3F)
        }
        return (scalar, length)
    }

    static func hex(_ x: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(x >> 4)]) + String(digits[Int(x & 15)])
    }

    /// `U+001B`.
    static func codePoint(_ x: UInt32) -> String {
        var s = String(x, radix: 16, uppercase: true)
        while s.count < 4 { s = "0" + s }
        return "U+" + s
    }
}
