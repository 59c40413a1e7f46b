import AdvocompModel

/// The few fields of each event that the per-advocate checks read, one small array
/// each: 9 bytes an event instead of an 80-byte `AdvocacyEvent`. An advocate's events
/// lie scattered over a date-ordered ledger, so those checks jump about; over a million
/// events these arrays stay in the processor's cache and the events do not.
struct EventColumns {
    /// `date.dayNumber`.
    var day: [Int32]
    var type: [Int32]
    /// Bit 0: solicited; bit 1: self-reported; bit 2: a signal row (not advocacy).
    var bits: [UInt8]

    static let solicited: UInt8 = 1
    static let selfReported: UInt8 = 2
    static let signal: UInt8 = 4

    init(_ events: [AdvocacyEvent]) {
        let n = events.count
        day = [Int32](repeating: 0, count: n)
        type = [Int32](repeating: 0, count: n)
        bits = [UInt8](repeating: 0, count: n)
        for (i, e) in events.enumerated() {
            day[i] = Int32(truncatingIfNeeded: e.date.dayNumber)
            type[i] = e.type
            bits[i] = (e.solicited ? EventColumns.solicited : 0) | (e.source == .selfReported ? EventColumns.selfReported : 0)
                | (e.isSignal ? EventColumns.signal : 0)
        }
    }
}
