/// Turns repeated cell values (KPI ids, unit names, plan ids, titles, advocates) into one
/// shared String each, so 200,000 rows naming 8 KPIs allocate 8 strings, not 200,000.
///
/// Lookups never build a String for a value already seen. The table is open addressing
/// over 24-byte slots: a value of up to 16 bytes is kept in its slot (and compared as two
/// integers), a longer one in `overflow`, found through its hash. So looking up one of
/// 125,000 advocate ids costs one cache miss, not three: this is the hot loop of reading
/// a million-event ledger.
struct Interner {
    private(set) var strings: [String] = []
    /// Slots hold an id + 1 (0: empty); the capacity is a power of two, at most half full.
    /// Shared by copies of the interner until one of them adds a value.
    private var slots = ZeroedTable<Slot>(count: 64)
    /// The bytes of values longer than 16 bytes, back to back (`Slot.b` is the start).
    private var overflow: [UInt8] = []
    private var last = Slot()

    private struct Slot {
        var id: Int32 = 0
        var count: Int32 = 0
        /// Up to 16 bytes: the bytes, little-endian, zero-padded. Longer: the hash and
        /// the start in `overflow`.
        var a: UInt64 = 0
        var b: UInt64 = 0
    }

    init() {}

    /// Distinct values so far; ids are 0..<count.
    var count: Int { strings.count }

    /// The id and canonical string for `bytes`.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int32, string: String) {
        let id = lookup(bytes)
        return (id, strings[Int(id)])
    }

    /// The id for `bytes`, adding the value when new (then the id is `count - 1`).
    mutating func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let n = bytes.count
        var key = Slot(id: 0, count: Int32(truncatingIfNeeded: n))
        let hash: UInt64
        if n <= 16 {
            withUnsafeMutableBytes(of: &key.a) { a in
                withUnsafeMutableBytes(of: &key.b) { b in
                    if n > 8 {
                        a.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<8]))
                        b.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[8..<n]))
                    } else if n > 0 {
                        a.copyMemory(from: UnsafeRawBufferPointer(bytes))
                    }
                }
            }
            // Rows often repeat the previous row's value.
            if last.id != 0, last.count == key.count, last.a == key.a, last.b == key.b { return last.id - 1 }
            hash = Interner.mix(key.a &+ Interner.mix(key.b ^ UInt64(n)))
        } else {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for x in bytes { h = (h ^ UInt64(x)) &* 0x0000_0100_0000_01b3 }
            hash = Interner.mix(h)
            key.a = hash
        }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        let s = slots.base
        var found: Int32?
        while s[i].id != 0 {
            let slot = s[i]
            if slot.count == key.count, slot.a == key.a, n <= 16 ? slot.b == key.b : equalOverflow(Int(slot.b), bytes) {
                found = slot.id
                break
            }
            i = (i + 1) & mask
        }
        if let found {
            if n <= 16 { key.id = found; last = key }
            return found - 1
        }
        let id = Int32(strings.count)
        strings.append(String(decoding: bytes, as: UTF8.self))
        if n > 16 {
            key.b = UInt64(overflow.count)
            overflow.append(contentsOf: bytes)
        }
        key.id = id + 1
        if !isKnownUniquelyReferenced(&slots) { slots = slots.copy() }
        slots[i] = key
        if n <= 16 { last = key }
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private func equalOverflow(_ start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        overflow.withUnsafeBufferPointer { o in
            UnsafeBufferPointer(rebasing: o[start..<start + bytes.count]).elementsEqual(bytes)
        }
    }

    /// The slot's hash, recomputed when the table grows.
    private func hash(of slot: Slot) -> UInt64 {
        slot.count <= 16 ? Interner.mix(slot.a &+ Interner.mix(slot.b ^ UInt64(slot.count))) : slot.a
    }

    /// A 64-bit finaliser (splitmix64's), so nearby ids spread over the table.
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    private mutating func grow() {
        let bigger = ZeroedTable<Slot>(count: slots.count * 2)
        let mask = bigger.count - 1
        for k in 0..<slots.count where slots[k].id != 0 {
            let slot = slots[k]
            var i = Int(truncatingIfNeeded: hash(of: slot)) & mask
            while bigger[i].id != 0 { i = (i + 1) & mask }
            bigger[i] = slot
        }
        slots = bigger
    }
}
