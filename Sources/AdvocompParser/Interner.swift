/// Turns repeated cell values (KPI ids, unit names, plan ids, titles, advocates) into one
/// shared String each, so 200,000 rows naming 8 KPIs allocate 8 strings, not 200,000.
///
/// Lookups hash the cell's bytes (FNV-1a) into an open-addressing table and compare
/// bytes, so no String is built for a value already seen: a million-event ledger
/// naming 125,000 advocates builds 125,000 strings, not a million.
struct Interner {
    private(set) var strings: [String] = []
    private var bytesOf: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// Slots hold an id + 1 (0: empty); the capacity is a power of two, at most half full.
    private var slots: [Int32] = Array(repeating: 0, count: 64)
    private var last: Int32 = -1

    /// The id and canonical string for `bytes`.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int32, string: String) {
        // Rows often repeat the previous row's value.
        if last >= 0, bytesOf[Int(last)].count == bytes.count, bytesOf[Int(last)].elementsEqual(bytes) {
            return (last, strings[Int(last)])
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while slots[i] != 0 {
            let id = Int(slots[i] - 1)
            if hashes[id] == h, bytesOf[id].count == bytes.count, bytesOf[id].elementsEqual(bytes) {
                last = Int32(id)
                return (last, strings[id])
            }
            i = (i + 1) & mask
        }
        let id = Int32(strings.count)
        strings.append(String(decoding: bytes, as: UTF8.self))
        bytesOf.append(Array(bytes))
        hashes.append(h)
        slots[i] = id + 1
        if strings.count * 2 > slots.count { grow() }
        last = id
        return (id, strings[Int(id)])
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while bigger[i] != 0 { i = (i + 1) & mask }
            bigger[i] = Int32(id + 1)
        }
        slots = bigger
    }
}
