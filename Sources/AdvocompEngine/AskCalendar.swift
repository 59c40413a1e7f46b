import AdvocompModel

/// The central ask calendar: for each advocate, how often they were asked in the year up
/// to a date, and the first date a new ask is allowed under the plan's `ask_cap`. This is
/// what anyone checks before asking a customer again.
///
/// The ledger is read as `ask_cap` reads it (SPEC section 6): solicited events in date
/// order (then event_id), self-reports verified by a system event counted once (when the
/// plan has an `unverified` check), over-cap asks not accepted. Events after `asOf` are
/// not read.
public enum AskCalendar {
    public enum State: String, Sendable {
        case available
        /// Fewer than `min_days_between` days since the last accepted ask.
        case coolingDown = "cooling down"
        /// `max_per_year` accepted asks in the 365 days ending on the date.
        case atYearlyCap = "at yearly cap"
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
    }

    public static func compute(ledger: Ledger, cap: GamingChecks.AskCap, unverifiedWithinDays: Int?, asOf: CivilDate) -> [Entry] {
        let events = ledger.events
        let byDate = Ledger.dateOrder(events).filter { events[$0].date <= asOf }
        let matched = unverifiedWithinDays.map { LedgerAnalysis.matchSelfReports(events, byDate: byDate, withinDays: $0) }
        let isAsk = { (i: Int) in events[i].solicited && (matched?[i] ?? -1) < 0 }
        let accepted = LedgerAnalysis.acceptAsks(events, order: byDate, cap: cap, isAsk: isAsk) { _, _ in }
        var asks: [Int32: [Int]] = [:]
        for i in byDate where isAsk(i) { asks[events[i].advocate, default: []].append(i) }
        let yearStart = asOf.dayNumber - 364
        var out: [Entry] = []
        var everyone = Set<Int32>()
        for i in byDate { everyone.insert(events[i].advocate) }
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
            out.append(Entry(advocate: ledger.advocates[Int(adv)], acceptedInYear: inYear,
                             asksInYear: list.filter { events[$0].date.dayNumber >= yearStart }.count,
                             lastAsk: last, nextAllowed: CivilDate(dayNumber: day), state: state))
        }
        return out.sorted { $0.advocate < $1.advocate }
    }
}
