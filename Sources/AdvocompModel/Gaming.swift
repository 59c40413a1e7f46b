/// How a KPI is derived from the event ledger (`from_events:`, SPEC section 6).
public struct EventDerivation: Sendable {
    public enum Value: String, Sendable, CaseIterable { case count, amount }
    /// Event types that count (free text, as in the ledger's `type` column).
    public var types: [String]
    public var value: Value
    /// Multiplies an event whose `solicited` is false (default 100%).
    public var unsolicitedWeight: FixedDecimal
    public var location: SourceLocation

    public init(types: [String], value: Value = .count, unsolicitedWeight: FixedDecimal = .one, location: SourceLocation) {
        self.types = types; self.value = value; self.unsolicitedWeight = unsolicitedWeight; self.location = location
    }
}

/// What a gaming check does with what it finds (SPEC section 6).
public enum GamingAction: String, Sendable, CaseIterable {
    /// A finding only.
    case flag
    /// The event earns no credit.
    case exclude
    /// Excluded, and the payout of the payee it is credited to is held (when the event
    /// is dated inside the period asked for).
    case hold
}

/// The plan's `gaming:` section. A check that is not named does not run.
public struct GamingChecks: Sendable {
    public enum Check: String, Sendable, CaseIterable, Comparable {
        case unverified, consent, askCap = "ask_cap", escalation, periodEndSpike = "period_end_spike", concentration
        /// The order checks run in, and findings are listed in (SPEC section 6).
        public var rank: Int {
            switch self {
            case .unverified: return 0
            case .consent: return 1
            case .askCap: return 2
            case .escalation: return 3
            case .periodEndSpike: return 4
            case .concentration: return 5
            }
        }
        /// `period_end_spike` and `concentration` judge a payee; the others judge events.
        public var judgesPayees: Bool { self == .periodEndSpike || self == .concentration }
        public static func < (a: Check, b: Check) -> Bool { a.rank < b.rank }
    }

    public struct AskCap: Sendable {
        public var minDaysBetween: Int
        public var maxPerYear: Int
        public var action: GamingAction
        public init(minDaysBetween: Int = 60, maxPerYear: Int = 4, action: GamingAction = .flag) {
            self.minDaysBetween = minDaysBetween; self.maxPerYear = maxPerYear; self.action = action
        }
    }
    public struct Unverified: Sendable {
        public var withinDays: Int
        public var action: GamingAction
        public init(withinDays: Int = 7, action: GamingAction = .flag) { self.withinDays = withinDays; self.action = action }
    }
    public struct Consent: Sendable {
        public var types: [String]
        public var action: GamingAction
        public init(types: [String], action: GamingAction = .flag) { self.types = types; self.action = action }
    }
    /// No ask of a customer while its account is escalated (SPEC section 6): an account is
    /// in escalation on day D when one of its `escalation` rows is dated on or before D
    /// and fewer than `withinDays` days before it, with no `escalation_resolved` row of
    /// the account dated from that escalation's day to D.
    public struct Escalation: Sendable {
        public var withinDays: Int
        public var action: GamingAction
        public init(withinDays: Int = 30, action: GamingAction = .flag) { self.withinDays = withinDays; self.action = action }
    }
    public struct PeriodEndSpike: Sendable {
        public var lastDays: Int
        public var shareAbove: FixedDecimal
        public var minEvents: Int
        public var action: GamingAction
        public init(lastDays: Int = 14, shareAbove: FixedDecimal, minEvents: Int = 5, action: GamingAction = .flag) {
            self.lastDays = lastDays; self.shareAbove = shareAbove; self.minEvents = minEvents; self.action = action
        }
    }
    public struct Concentration: Sendable {
        public var shareAbove: FixedDecimal
        public var minEvents: Int
        public var action: GamingAction
        public init(shareAbove: FixedDecimal, minEvents: Int = 4, action: GamingAction = .flag) {
            self.shareAbove = shareAbove; self.minEvents = minEvents; self.action = action
        }
    }

    public var askCap: AskCap?
    public var unverified: Unverified?
    public var consent: Consent?
    public var escalation: Escalation?
    public var periodEndSpike: PeriodEndSpike?
    public var concentration: Concentration?
    /// Where each check is configured (for diagnostics).
    public var locations: [Check: SourceLocation]

    public init(askCap: AskCap? = nil, unverified: Unverified? = nil, consent: Consent? = nil,
                escalation: Escalation? = nil, periodEndSpike: PeriodEndSpike? = nil, concentration: Concentration? = nil,
                locations: [Check: SourceLocation] = [:]) {
        self.askCap = askCap; self.unverified = unverified; self.consent = consent; self.escalation = escalation
        self.periodEndSpike = periodEndSpike; self.concentration = concentration; self.locations = locations
    }

    public var isEmpty: Bool {
        askCap == nil && unverified == nil && consent == nil && escalation == nil && periodEndSpike == nil && concentration == nil
    }

    /// Whether the plan names `check`.
    public func runs(_ check: Check) -> Bool {
        switch check {
        case .unverified: return unverified != nil
        case .consent: return consent != nil
        case .askCap: return askCap != nil
        case .escalation: return escalation != nil
        case .periodEndSpike: return periodEndSpike != nil
        case .concentration: return concentration != nil
        }
    }
}

/// One gaming finding: which check, about which payee, on which events, what was done,
/// and the numbers that tripped it (SPEC section 6).
public struct Finding: Sendable, Equatable {
    public var check: GamingChecks.Check
    /// The payee in `credited_to`; nil for an event credited to nobody.
    public var payeeID: String?
    public var eventIDs: [String]
    public var action: GamingAction
    /// The numbers, in words: "ask 2 days after the accepted ask ev11 of 2026-02-20 (minimum 60)".
    public var detail: String
    /// The first event's line in the events file, for ordering and evidence.
    public var line: Int

    public init(check: GamingChecks.Check, payeeID: String?, eventIDs: [String], action: GamingAction, detail: String, line: Int) {
        self.check = check; self.payeeID = payeeID; self.eventIDs = eventIDs; self.action = action
        self.detail = detail; self.line = line
    }
}
