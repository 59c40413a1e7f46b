import AdvocompModel

/// Input files must be UTF-8; a bad byte is reported at its line, never replaced silently.
public enum TextEncoding {
    /// A diagnostic at the first line holding invalid UTF-8, or nil when the bytes are valid.
    public static func check(_ bytes: [UInt8], file: String) -> Diagnostic? {
        // Plain ASCII (the usual case) needs no decoding, and no copy of the file.
        let high = bytes.withUnsafeBufferPointer { b in b.reduce(UInt8(0)) { $0 | $1 } }
        if high < 0x80 || String(validating: bytes, as: UTF8.self) != nil { return nil }
        var line = 1
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 10 {
            if String(validating: bytes[start..<i], as: UTF8.self) == nil {
                return .error("the file is not valid UTF-8 (save it as UTF-8)", at: SourceLocation(file: file, line: line, column: 1))
            }
            line += 1
            start = i + 1
        }
        return .error("the file is not valid UTF-8 (save it as UTF-8)", at: SourceLocation(file: file, line: 1, column: 1))
    }
}
