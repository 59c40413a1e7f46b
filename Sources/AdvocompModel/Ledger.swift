/// The advocacy event ledger (SPEC sections 3 and 6): every ask, review, reference call
/// and referral, whoever it is credited to. Repeated values (types, advocates, people,
/// accounts) are stored once in the ledger's tables and referred to by number, so a
/// million events stay compact and the checks compare integers.
public struct Ledger: Sendable {
    public var file: String
    /// In file order.
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
    public func advocate(of e: AdvocacyEvent) -> String { advocates[Int(e.advocate)] }
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
    /// nil when the cell is blank (events counted, not summed).
    public var amount: FixedDecimal?
    /// 1-based line in the events file.
    public var line: Int32

    public init(id: String, date: CivilDate, type: Int32, advocate: Int32, creditedTo: Int32 = -1,
                requestedBy: Int32 = -1, account: Int32 = -1, solicited: Bool, source: Source = .system,
                consent: Consent = .blank, amount: FixedDecimal? = nil, line: Int32) {
        self.id = id; self.date = date; self.type = type; self.advocate = advocate; self.creditedTo = creditedTo
        self.requestedBy = requestedBy; self.account = account; self.solicited = solicited; self.source = source
        self.consent = consent; self.amount = amount; self.line = line
    }
}
