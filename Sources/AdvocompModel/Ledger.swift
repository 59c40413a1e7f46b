/// The advocacy event ledger (SPEC sections 3 and 6): every ask, review, reference call
/// and referral, whoever it is credited to. Repeated values (types, advocates, people,
/// accounts) are stored once in the ledger's tables and referred to by number, so a
/// million events stay compact and the checks compare integers.
public struct Ledger: Sendable {
    public var file: String
    /// `EventsReader` leaves them in date order, then event_id (`Ledger.dateOrder`), each
    /// with its file line; the checks put them in that order whatever order they come in.
    public var events: [AdvocacyEvent]
    /// Event types, advocates, people (`credited_to`, `requested_by`) and accounts, by number.
    public var types: [String]
    public var advocates: [String]
    public var people: [String]
    public var accounts: [String]

    public init(file: String, events: [AdvocacyEvent] = [], types: [String] = [], advocates: [String] = [],
                people: [String] = [], accounts: [String] = []) {
        self.file = file; self.events = events; self.types = types; self.advocates = advocates
        self.people = people; self.accounts = accounts
    }

    public func type(of e: AdvocacyEvent) -> String { types[Int(e.type)] }
    /// The advocate's id; empty on a signal row that leaves it blank.
    public func advocate(of e: AdvocacyEvent) -> String { e.advocate < 0 ? "" : advocates[Int(e.advocate)] }
    /// The payee the event is credited to, nil when the cell was blank.
    public func creditedTo(_ e: AdvocacyEvent) -> String? { e.creditedTo < 0 ? nil : people[Int(e.creditedTo)] }
    public func requestedBy(_ e: AdvocacyEvent) -> String? { e.requestedBy < 0 ? nil : people[Int(e.requestedBy)] }
    public func account(of e: AdvocacyEvent) -> String? { e.account < 0 ? nil : accounts[Int(e.account)] }

    public func location(_ e: AdvocacyEvent, column: Int = 1) -> SourceLocation {
        SourceLocation(file: file, line: Int(e.line), column: column)
    }
}

/// One row of the events CSV.
public struct AdvocacyEvent: Sendable {
    public enum Source: UInt8, Sendable { case system, selfReported }
    public enum Consent: UInt8, Sendable { case yes, no, blank }
    /// Rows of type `escalation` and `escalation_resolved` are signals about an account,
    /// not advocacy (SPEC section 6): no check judges them and they earn no credit.
    public enum Signal: UInt8, Sendable {
        case none
        /// `escalation`: the account's escalation opened that day.
        case escalationOpened
        /// `escalation_resolved`: the account's escalation closed that day.
        case escalationResolved

        public static let escalationType = "escalation"
        public static let escalationResolvedType = "escalation_resolved"

        /// The signal a row of this type is (`.none` for advocacy).
        public init(type: String) {
            self = type == Signal.escalationType ? .escalationOpened : type == Signal.escalationResolvedType ? .escalationResolved : .none
        }
    }

    public var id: String
    public var date: CivilDate
    /// Index into `Ledger.types`, `.advocates`; `.people` and `.accounts` (-1: blank).
    public var type: Int32
    public var advocate: Int32
    public var creditedTo: Int32
    public var requestedBy: Int32
    public var account: Int32
    public var solicited: Bool
    public var source: Source
    public var consent: Consent
    public var signal: Signal
    /// nil when the cell is blank (events counted, not summed).
    public var amount: FixedDecimal?
    /// 1-based line in the events file.
    public var line: Int32

    public init(id: String, date: CivilDate, type: Int32, advocate: Int32, creditedTo: Int32 = -1,
                requestedBy: Int32 = -1, account: Int32 = -1, solicited: Bool, source: Source = .system,
                consent: Consent = .blank, signal: Signal = .none, amount: FixedDecimal? = nil, line: Int32) {
        self.id = id; self.date = date; self.type = type; self.advocate = advocate; self.creditedTo = creditedTo
        self.requestedBy = requestedBy; self.account = account; self.solicited = solicited; self.source = source
        self.consent = consent; self.signal = signal; self.amount = amount; self.line = line
    }

    /// A signal row (an escalation opened or resolved), not advocacy.
    public var isSignal: Bool { signal != .none }
    /// An ask: a solicited advocacy event (signal rows are never asks).
    public var isAsk: Bool { solicited && signal == .none }
}

extension Ledger {
    /// Indices of `events` in date order, then event_id compared as bytes, then index:
    /// the order every check reads the ledger in (SPEC section 6).
    ///
    /// Events already in that order (as `EventsReader` leaves them) cost one pass. Otherwise
    /// they are bucketed by day (a counting sort: a ledger spans a few hundred days) and
    /// each day is sorted by the id's first 8 bytes, the full id only on a tie.
    public static func dateOrder(_ events: [AdvocacyEvent]) -> [Int] {
        dateOrder(count: events.count, day: { events[$0].date.dayNumber }, id: { events[$0].id })
    }

    /// The same order for `count` events given by their day numbers and ids.
    public static func dateOrder(count n: Int, day: (Int) -> Int, id: (Int) -> String) -> [Int] {
        guard n > 1 else { return Array(0..<n) }
        var inOrder = true
        var lo = day(0), hi = lo
        for k in 1..<n {
            let d = day(k)
            lo = min(lo, d); hi = max(hi, d)
            if inOrder, d < day(k - 1) || (d == day(k - 1) && precedes(id(k), id(k - 1))) { inOrder = false }
        }
        if inOrder { return Array(0..<n) }

        typealias Keyed = (prefix: UInt64, index: Int)
        func key(_ i: Int) -> Keyed {
            var prefix: UInt64 = 0, k = 0
            for b in id(i).utf8 {
                if k == 8 { break }
                prefix |= UInt64(b) << (56 - 8 * k)
                k += 1
            }
            return (prefix, i)
        }
        func less(_ a: Keyed, _ b: Keyed) -> Bool {
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            let x = id(a.index), y = id(b.index)
            return x.utf8.elementsEqual(y.utf8) ? a.index < b.index : precedes(x, y)
        }
        let span = hi - lo + 1
        guard span <= 4 * n + 4096 else {
            // Dates spread over far more days than there are events: one comparison sort.
            var keyed = (0..<n).map { i in (day: day(i), key: key(i)) }
            keyed.sort { $0.day != $1.day ? $0.day < $1.day : less($0.key, $1.key) }
            return keyed.map(\.key.index)
        }
        var start = [Int](repeating: 0, count: span + 1)
        for i in 0..<n { start[day(i) - lo + 1] += 1 }
        for d in 0..<span { start[d + 1] += start[d] }
        var next = start
        var keyed = [Keyed](repeating: (0, 0), count: n)
        for i in 0..<n {
            let d = day(i) - lo
            keyed[next[d]] = key(i)
            next[d] += 1
        }
        keyed.withUnsafeMutableBufferPointer { all in
            for d in 0..<span where start[d + 1] - start[d] > 1 {
                var oneDay = UnsafeMutableBufferPointer(rebasing: all[start[d]..<start[d + 1]])
                oneDay.sort(by: less)
            }
        }
        return keyed.map(\.index)
    }

    /// Event ids compare as bytes.
    public static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
