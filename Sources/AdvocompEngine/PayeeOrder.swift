import AdvocompModel

/// Sorting payees by payee_id in plain byte order (SPEC section 7).
enum PayeeOrder {
    /// `indices` sorted by the byte order of `payees[i].id`, ties keeping input order.
    /// Each id's first 8 bytes are packed big-endian into an integer, so most
    /// comparisons are one integer comparison; equal prefixes fall back to the bytes.
    static func sorted(_ indices: [Int], ids payees: [Payee]) -> [Int] {
        var keyed: [(prefix: UInt64, index: Int)] = indices.map { i in
            var prefix: UInt64 = 0
            var n = 0
            for b in payees[i].id.utf8 {
                if n == 8 { break }
                prefix |= UInt64(b) << (56 - 8 * n)
                n += 1
            }
            return (prefix, i)
        }
        if zip(keyed, keyed.dropFirst()).allSatisfy({ !precedes($1, $0, payees) }) {
            return indices  // already in order, as rosters often are
        }
        keyed.sort { precedes($0, $1, payees) }
        return keyed.map(\.index)
    }

    private static func precedes(_ a: (prefix: UInt64, index: Int), _ b: (prefix: UInt64, index: Int), _ payees: [Payee]) -> Bool {
        if a.prefix != b.prefix { return a.prefix < b.prefix }
        let x = payees[a.index].id.utf8, y = payees[b.index].id.utf8
        if x.elementsEqual(y) { return a.index < b.index }
        return x.lexicographicallyPrecedes(y)
    }
}
