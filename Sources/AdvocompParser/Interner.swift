/// Turns repeated cell values (KPI ids, unit names, plan ids, titles) into one shared
/// String each, so 200,000 rows naming 8 KPIs allocate 8 strings, not 200,000.
struct Interner {
    private(set) var strings: [String] = []
    private var bytesOf: [[UInt8]] = []
    private var ids: [String: Int32] = [:]
    private var last: Int32 = -1

    /// Below this many distinct values a linear scan (length first) beats hashing.
    private static let scanLimit = 64

    /// The id and canonical string for `bytes`.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int32, string: String) {
        // Rows often repeat the previous row's value.
        if last >= 0, bytesOf[Int(last)].count == bytes.count, bytesOf[Int(last)].elementsEqual(bytes) {
            return (last, strings[Int(last)])
        }
        if strings.count <= Interner.scanLimit {
            for i in bytesOf.indices where bytesOf[i].count == bytes.count && bytesOf[i].elementsEqual(bytes) {
                last = Int32(i)
                return (last, strings[i])
            }
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if let known = ids[s] {
            last = known
            return (known, strings[Int(known)])
        }
        let id = Int32(strings.count)
        ids[s] = id
        strings.append(s)
        bytesOf.append(Array(bytes))
        last = id
        return (id, s)
    }
}
