import AdvocompModel

/// The central ask calendar: for each advocate, how often they were asked in the year up
/// to a date, and the first date a new ask is allowed under the plan's `ask_cap`. This is
/// what anyone checks before asking a customer again.
///
/// The ledger is read as `ask_cap` reads it (SPEC section 6): solicited events in date
/// order (then event_id), self-reports verified by a system event counted once (when the
/// plan has an `unverified` check), over-cap asks not accepted. Events after `asOf` are
/// not read. An advocate whose account is escalated on `asOf` (the `escalation` rule) is
/// not to be asked, whatever the cap says.
public enum AskCalendar {
    public enum State: String, Sendable {
        case available
        /// Fewer than `min_days_between` days since the last accepted ask.
        case coolingDown = "cooling down"
        /// `max_per_year` accepted asks in the 365 days ending on the date.
        case atYearlyCap = "at yearly cap"
        /// One of the advocate's accounts is escalated on the date: nobody asks them.
        case doNotAsk = "do not ask"
    }

    /// The escalation that makes an advocate's state `doNotAsk`.
    public struct Escalated: Sendable {
        /// The earliest escalation still open on the date, and its account.
        public var eventID: String
        public var since: CivilDate
        public var account: String
        /// The day the last open escalation's `within_days` run out, if nobody resolves it.
        public var until: CivilDate
    }

    public struct Entry: Sendable {
        public var advocate: String
        /// Accepted asks in the 365 days ending on `asOf`.
        public var acceptedInYear: Int
        /// Every ask (solicited event) in those 365 days, over-cap ones included.
        public var asksInYear: Int
        /// The last accepted ask on or before `asOf`: its event id and date.
        public var lastAsk: (id: String, date: CivilDate)?
        /// The first date on or after `asOf` on which a new ask would be accepted.
        public var nextAllowed: CivilDate
        public var state: State
        /// Set when `state` is `doNotAsk`.
        public var escalated: Escalated?

        /// The state in words: "do not ask (escalated since 2026-03-01)".
        public var stateText: String {
            guard state == .doNotAsk, let x = escalated else { return state.rawValue }
            return "\(state.rawValue) (escalated since \(x.since))"
        }
    }

    /// The rules the calendar reads: the plan's `ask_cap`, `unverified` and `escalation`
    /// checks. Without `ask_cap` the programme's policy applies (60 days between asks, 4 a
    /// year), without `escalation` its 30 days; the `...FromPlan` flags say which.
    public struct Policy: Sendable {
        public var cap: GamingChecks.AskCap
        public var capFromPlan: Bool
        public var unverifiedWithinDays: Int?
        public var escalationWithinDays: Int
        public var escalationFromPlan: Bool

        public init(_ gaming: GamingChecks?) {
            cap = gaming?.askCap ?? GamingChecks.AskCap()
            capFromPlan = gaming?.askCap != nil
            unverifiedWithinDays = gaming?.unverified?.withinDays
            escalationWithinDays = gaming?.escalation?.withinDays ?? GamingChecks.Escalation().withinDays
            escalationFromPlan = gaming?.escalation != nil
        }
    }

    /// Every advocate with an event on or before `asOf`, by advocate id. An advocate whose
    /// account is escalated on `asOf` is `doNotAsk`.
    public static func compute(ledger: Ledger, policy: Policy, asOf: CivilDate) -> [Entry] {
        let cap = policy.cap, unverifiedWithinDays = policy.unverifiedWithinDays, escalationWithinDays = policy.escalationWithinDays
        let events = ledger.events
        let byDate = Ledger.dateOrder(events).filter { events[$0].date <= asOf }
        let matched = unverifiedWithinDays.map { LedgerAnalysis.matchSelfReports(events, byDate: byDate, withinDays: $0) }
        let isAsk = { (i: Int) in events[i].isAsk && (matched?[i] ?? -1) < 0 }
        let accepted = LedgerAnalysis.acceptAsks(events, order: byDate, cap: cap, isAsk: isAsk) { _, _ in }
        var asks: [Int32: [Int]] = [:]
        for i in byDate where isAsk(i) { asks[events[i].advocate, default: []].append(i) }
        let open = LedgerAnalysis.openEscalations(events, order: byDate, withinDays: escalationWithinDays, on: asOf)
        let yearStart = asOf.dayNumber - 364
        var out: [Entry] = []
        // Advocates (signal rows name none), and the escalations open on `asOf` of the
        // accounts each was seen with.
        var everyone = Set<Int32>()
        var coveringOf: [Int32: Set<Int>] = [:]
        for i in byDate where !events[i].isSignal && events[i].advocate >= 0 {
            let e = events[i]
            everyone.insert(e.advocate)
            if !open.isEmpty, let list = open[e.account] { coveringOf[e.advocate, default: []].formUnion(list) }
        }
        for adv in everyone {
            let list = asks[adv] ?? []
            let acc = Array(accepted[Int(adv)])
            let accDays = acc.map { events[$0].date.dayNumber }
            // The earliest day >= asOf that passes both rules; each step moves past the
            // ask that blocks it, so this ends within max_per_year + 1 steps.
            var day = asOf.dayNumber
            if let last = accDays.last { day = max(day, last + cap.minDaysBetween) }
            while true {
                let window = accDays.filter { $0 >= day - 364 && $0 <= day }
                if window.count < cap.maxPerYear { break }
                day = window[window.count - cap.maxPerYear] + 365
            }
            let last = acc.last.map { (events[$0].id, events[$0].date) }
            let inYear = accDays.filter { $0 >= yearStart }.count
            var state = State.available
            if day > asOf.dayNumber { state = inYear >= cap.maxPerYear ? .atYearlyCap : .coolingDown }
            // Escalated: the earliest open escalation of any of the advocate's accounts, and
            // the day the last one runs out (an ask then would not be in escalation).
            var escalated: Escalated?
            let covering = Array(coveringOf[adv] ?? [])
            if let first = covering.min(by: { events[$0].date != events[$1].date ? events[$0].date < events[$1].date : Ledger.precedes(events[$0].id, events[$1].id) }),
               let lastOpened = covering.map({ events[$0].date.dayNumber }).max() {
                let until = lastOpened + escalationWithinDays
                escalated = Escalated(eventID: events[first].id, since: events[first].date, account: ledger.account(of: events[first]) ?? "",
                                      until: CivilDate(dayNumber: until))
                state = .doNotAsk
                day = max(day, until)
            }
            out.append(Entry(advocate: ledger.advocates[Int(adv)], acceptedInYear: inYear,
                             asksInYear: list.filter { events[$0].date.dayNumber >= yearStart }.count,
                             lastAsk: last, nextAllowed: CivilDate(dayNumber: day), state: state, escalated: escalated))
        }
        return out.sorted { $0.advocate < $1.advocate }
    }
}
