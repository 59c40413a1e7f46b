/// A formula that is the same on every payee row but for its row numbers, such as
/// `F7*Weight_scorecard*...*K7`. It is built once per column from the formula written
/// with `RowTemplate.marker` for the row, then stamped out per row by splicing the
/// row's digits in: a 100,000-payee workbook has millions of such cells, and building
/// each one from scratch dominated the export.
struct RowTemplate {
    /// Stands for the row number while a template is built. Plan text cannot contain
    /// it: control characters are refused by the YAML reader.
    static let marker = "\u{1}"

    private let parts: [[UInt8]]
    private let fixedLength: Int

    init(_ formula: String) {
        var parts: [[UInt8]] = [[]]
        for byte in formula.utf8 {
            if byte == 0x01 { parts.append([]) } else { parts[parts.count - 1].append(byte) }
        }
        self.parts = parts
        fixedLength = parts.reduce(0) { $0 + $1.count }
    }

    /// The formula for Excel row `row` (1-based).
    func render(_ row: Int) -> String {
        // Digits of the row, most significant first.
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            var n = max(row, 0)
            repeat { d[count] = UInt8(0x30 + n % 10); n /= 10; count += 1 } while n > 0 && count < 8
            d[0..<count].reverse()
        }
        let length = fixedLength + count * (parts.count - 1)
        return withUnsafeBytes(of: &digits) { d in
            String(unsafeUninitializedCapacity: length) { out in
                var i = 0
                for (j, part) in parts.enumerated() {
                    if j > 0 { for k in 0..<count { out[i] = d[k]; i += 1 } }
                    for b in part { out[i] = b; i += 1 }
                }
                return i
            }
        }
    }
}
