import AdvocompModel
import Dispatch

/// What the advocacy ledger gives a run (SPEC section 6): the credit each event earns,
/// the gaming findings, the payees whose payout is held, and the actuals of every KPI
/// derived from events.
public struct LedgerOutcome: Sendable {
    public struct EventState: Sendable {
        /// Earns credit: still in the ledger (not a verified self-report) and not
        /// excluded by a check whose action is exclude or hold.
        public var credited: Bool
        /// For a self-report matched by the `unverified` check: the system event (index
        /// into `ledger.events`) that stands for it; -1 otherwise.
        public var matchedBy: Int32
        /// Checks that marked the event (whatever their action): bit `1 << check.rank`.
        public var marks: UInt8
        public func isMarked(by check: GamingChecks.Check) -> Bool { marks & (1 << UInt8(check.rank)) != 0 }
    }

    public var ledger: Ledger
    /// One per event of `ledger.events`, same order.
    public var events: [EventState]
    /// The findings of the period asked for, about the payees of the run (or about
    /// events credited to nobody), in check order (SPEC section 6), then file order.
    public var findings: [Finding]
    /// payee_ids whose payout is held (SPEC section 5 step 8).
    public var held: Set<String>
    /// One row per derived KPI and scope the run needs (line 0: not from the actuals file).
    public var derivedRows: [ActualRow]
    /// Errors in the ledger that stop the run (an event summed by amount without one).
    public var diagnostics: [Diagnostic]
    /// The first and last day of the period the findings are about.
    public var firstDay: CivilDate
    public var lastDay: CivilDate

    public func inPeriod(_ e: AdvocacyEvent) -> Bool { e.date >= firstDay && e.date <= lastDay }
}

/// The ledger's checks and derived KPIs, as one pure function of the plan, the ledger,
/// the roster and the period. Reads no files and no clock.
public enum LedgerAnalysis {
    /// - Parameters:
    ///   - payeeIDs: the payees of the run (on the plan); findings and derived rows are for them.
    public static func run(plan: Plan, ledger: Ledger, roster: Roster, payeeIDs: [String], period: Period) -> LedgerOutcome {
        let (firstDay, lastDay) = period.dates(fiscalYearStartMonth: plan.fiscalYearStartMonth)
        let events = ledger.events
        // Signal rows (escalations) are not advocacy: they earn no credit.
        var state = events.map { LedgerOutcome.EventState(credited: !$0.isSignal, matchedBy: -1, marks: 0) }
        var findings: [Finding] = []
        let onPlan = Set(payeeIDs)
        let personOnPlan = ledger.people.map { onPlan.contains($0) }  // by the ledger's person number
        func inPeriod(_ i: Int) -> Bool { events[i].date >= firstDay && events[i].date <= lastDay }
        // A finding is reported when its event is in the period and concerns a payee of
        // this run or nobody; whatever is reported, the action applies to the event.
        func reportable(_ i: Int) -> Bool {
            guard inPeriod(i) else { return false }
            let who = events[i].creditedTo
            return who < 0 || personOnPlan[Int(who)]
        }
        // A reported finding about one event is worded after the checks, by the workers:
        // a year's ledger can give a hundred thousand of them.
        var pending: [(event: Int, check: GamingChecks.Check, action: GamingAction, evidence: Evidence)] = []
        func mark(_ i: Int, _ check: GamingChecks.Check, _ action: GamingAction, _ evidence: Evidence) {
            state[i].marks |= 1 << UInt8(check.rank)
            if action != .flag { state[i].credited = false }
            if reportable(i) { pending.append((i, check, action, evidence)) }
        }
        // Events in date order, then event_id (the order every check reads the ledger in).
        let byDate = Ledger.dateOrder(events)
        // Each advocate's events in date order, shared by the self-report matching and ask_cap.
        let byAdvocate = EventGroups(groups: advocateCount(events), order: byDate) { events[$0].advocate }
        let columns = EventColumns(events)
        let g = plan.gaming ?? GamingChecks()

        // (1) unverified: each self-report, earliest first, takes the earliest unmatched
        // system event of the same advocate and type within `within_days` days.
        if let u = g.unverified {
            let matched = matchSelfReports(columns, byAdvocate: byAdvocate, withinDays: u.withinDays)
            for i in byDate where events[i].source == .selfReported && !events[i].isSignal {
                if matched[i] >= 0 {
                    state[i].matchedBy = matched[i]
                    state[i].credited = false  // it leaves the ledger: the system event stands for it
                } else {
                    mark(i, .unverified, u.action, .unverified(withinDays: u.withinDays))
                }
            }
        }
        func inLedger(_ i: Int) -> Bool { state[i].matchedBy < 0 }

        // (2) consent: events of the listed types without consent yes.
        if let c = g.consent {
            let types = Set(ledger.types.indices.filter { c.types.contains(ledger.types[$0]) }.map { Int32($0) })
            for i in byDate where inLedger(i) && !events[i].isSignal && events[i].consent != .yes && types.contains(events[i].type) {
                mark(i, .consent, c.action, .consent)
            }
        }

        // (2) ask_cap: each advocate's solicited events in date order, from the ledger's start.
        if let a = g.askCap {
            _ = acceptAsks(columns.day, byAdvocate: byAdvocate, cap: a,
                           isAsk: { columns.bits[$0] & (EventColumns.solicited | EventColumns.signal) == EventColumns.solicited && inLedger($0) }) { i, reason in
                mark(i, .askCap, a.action, .askCap(reason, a))
            }
        }

        // (2) escalation: no ask while the account is escalated.
        if let x = g.escalation {
            asksDuringEscalation(events, order: byDate, withinDays: x.withinDays, isAsk: { events[$0].isAsk && inLedger($0) }) { i, opened in
                mark(i, .escalation, x.action, .escalation(opened: opened, withinDays: x.withinDays))
            }
        }
        findings = word(pending, ledger: ledger)

        // Events credited to each payee of the run inside the period (credited ones only),
        // in date order; payees by payee_id.
        let creditedInPeriod = EventGroups(groups: ledger.people.count, order: byDate) { i in
            let who = events[i].creditedTo
            return who >= 0 && personOnPlan[Int(who)] && state[i].credited && inPeriod(i) ? who : -1
        }
        let payeesByID = ledger.people.indices.filter { personOnPlan[$0] }.sorted { ledger.people[$0] < ledger.people[$1] }
        func payeeFinding(_ person: Int, _ check: GamingChecks.Check, _ action: GamingAction, _ ids: [Int], _ detail: String) {
            findings.append(Finding(check: check, payeeID: ledger.people[person], eventIDs: ids.map { events[$0].id }, action: action,
                                    detail: detail, line: ids.map { Int(events[$0].line) }.min() ?? 0))
        }
        // (3) period_end_spike and concentration judge a payee on the credited events.
        if let s = g.periodEndSpike {
            let from = lastDay.adding(days: -(s.lastDays - 1))
            for person in payeesByID {
                let list = creditedInPeriod[person]
                guard list.count >= s.minEvents else { continue }
                let late = list.filter { events[$0].date >= from }
                if exceeds(late.count, of: list.count, s.shareAbove) {
                    payeeFinding(person, .periodEndSpike, s.action, late,
                                 "\(late.count) of \(list.count) credited events (\(share(late.count, list.count))) fall in the last \(s.lastDays) days of \(period) (\(max(from, firstDay)) to \(lastDay)); the check trips above \(s.shareAbove.percentString()) with at least \(s.minEvents) events")
                }
            }
        }
        if let c = g.concentration {
            var countOf = [Int](repeating: 0, count: ledger.advocates.count)  // scratch, zero between payees
            for person in payeesByID {
                let list = creditedInPeriod[person]
                guard list.count >= c.minEvents else { continue }
                // The advocate with the most events (ties: advocate id ascending).
                var top: Int32 = -1
                for i in list {
                    let a = events[i].advocate
                    countOf[Int(a)] += 1
                    if top < 0 || countOf[Int(a)] > countOf[Int(top)]
                        || (countOf[Int(a)] == countOf[Int(top)] && ledger.advocates[Int(a)] < ledger.advocates[Int(top)]) {
                        top = a
                    }
                }
                let topCount = top < 0 ? 0 : countOf[Int(top)]
                for i in list { countOf[Int(events[i].advocate)] = 0 }
                if top >= 0, exceeds(topCount, of: list.count, c.shareAbove) {
                    payeeFinding(person, .concentration, c.action, list.filter { events[$0].advocate == top },
                                 "\(topCount) of \(list.count) credited events (\(share(topCount, list.count))) come from advocate \(ledger.advocates[Int(top)]); the check trips above \(c.shareAbove.percentString()) with at least \(c.minEvents) events")
                }
            }
        }
        // Check order, then file line, then payee (sorting numbers, then moving each finding once).
        let keys = findings.map { (rank: $0.check.rank, line: $0.line) }
        let order = findings.indices.sorted { x, y in
            keys[x] != keys[y] ? keys[x] < keys[y] : (findings[x].payeeID ?? "") < (findings[y].payeeID ?? "")
        }
        findings = order.map { findings[$0] }
        var held = Set<String>()
        for f in findings where f.action == .hold { if let p = f.payeeID { held.insert(p) } }

        let (rows, diagnostics) = derive(plan: plan, ledger: ledger, state: state, roster: roster, payeeIDs: payeeIDs,
                                         period: period, firstDay: firstDay, lastDay: lastDay)
        return LedgerOutcome(ledger: ledger, events: state, findings: findings, held: held, derivedRows: rows,
                             diagnostics: diagnostics, firstDay: firstDay, lastDay: lastDay)
    }

    /// What tripped a check on one event, for the finding's wording.
    enum Evidence {
        case unverified(withinDays: Int)
        case consent
        case askCap(OverCap, GamingChecks.AskCap)
        case escalation(opened: Int, withinDays: Int)
    }

    /// The findings about single events, worded (in chunks by the workers), in the
    /// order given.
    static func word(_ pending: [(event: Int, check: GamingChecks.Check, action: GamingAction, evidence: Evidence)],
                     ledger: Ledger) -> [Finding] {
        let events = ledger.events
        func finding(_ p: (event: Int, check: GamingChecks.Check, action: GamingAction, evidence: Evidence)) -> Finding {
            let e = events[p.event]
            let detail: String
            var ids = [e.id]
            switch p.evidence {
            case .unverified(let days):
                detail = "self-reported \(ledger.type(of: e)) of advocate \(ledger.advocate(of: e)) on \(e.date) has no system event of the same advocate and type within \(days) days"
            case .consent:
                detail = "\(ledger.type(of: e)) with advocate \(ledger.advocate(of: e)) on \(e.date) has consent \(e.consent == .no ? "no" : "blank") (yes is needed)"
            case .askCap(.tooSoon(let last), let cap):
                let gap = e.date.dayNumber - events[last].date.dayNumber
                detail = "ask of advocate \(ledger.advocate(of: e)) on \(e.date) came \(gap) day\(gap == 1 ? "" : "s") after the accepted ask \(events[last].id) of \(events[last].date) (minimum \(cap.minDaysBetween) days between asks)"
            case .askCap(.yearFull(let window), let cap):
                detail = "ask of advocate \(ledger.advocate(of: e)) on \(e.date): \(window.count) accepted ask\(window.count == 1 ? "" : "s") already in the 365 days ending that day (\(window.map { events[$0].id }.joined(separator: ", "))); maximum \(cap.maxPerYear) a year"
            case .escalation(let opened, let days):
                let o = events[opened], gap = e.date.dayNumber - o.date.dayNumber
                let when = gap == 0 ? "the same day" : "\(gap) day\(gap == 1 ? "" : "s") before"
                detail = "ask of advocate \(ledger.advocate(of: e)) on \(e.date) (\(ledger.type(of: e))) while account \(ledger.account(of: e) ?? "")"
                    + " was escalated: escalation \(o.id) opened \(o.date), \(when), unresolved (no asks for \(days) days after an escalation opens, until it is resolved)"
                ids.append(o.id)
            }
            return Finding(check: p.check, payeeID: ledger.creditedTo(e), eventIDs: ids, action: p.action, detail: detail, line: Int(e.line))
        }
        return [Finding](unsafeUninitializedCapacity: pending.count) { buffer, initialized in
            let out = buffer
            Parallel.forEach(Parallel.ranges(pending.count, minimumChunk: 500)) { _, range in
                guard let base = out.baseAddress else { return }
                for k in range { (base + k).initialize(to: finding(pending[k])) }
            }
            initialized = pending.count
        }
    }

    /// For each self-report, the system event that verifies it (or -1): each self-report,
    /// earliest first, takes the earliest unmatched system event of the same advocate and
    /// type dated within `withinDays` days of it, before or after (one-to-one).
    public static func matchSelfReports(_ events: [AdvocacyEvent], byDate: [Int], withinDays: Int) -> [Int32] {
        matchSelfReports(EventColumns(events), byAdvocate: EventGroups(groups: advocateCount(events), order: byDate) { events[$0].advocate },
                         withinDays: withinDays)
    }

    /// The same, given each advocate's events in date order.
    static func matchSelfReports(_ columns: EventColumns, byAdvocate: EventGroups, withinDays: Int) -> [Int32] {
        let n = columns.day.count
        var matched = Array(repeating: Int32(-1), count: n)
        var taken = Array(repeating: false, count: n)
        let window = Int32(clamping: withinDays)
        columns.day.withUnsafeBufferPointer { day in
            columns.type.withUnsafeBufferPointer { type in
                columns.bits.withUnsafeBufferPointer { bits in
                    // A self-report looks for its system event among its advocate's events
                    // dated within the window.
                    for a in 0..<byAdvocate.count {
                        let list = byAdvocate[a]
                        // Signal rows neither need nor give verification.
                        for i in list where bits[i] & (EventColumns.selfReported | EventColumns.signal) == EventColumns.selfReported {
                            let d = day[i]
                            // First event not before the window (dates ascending).
                            var lo = list.startIndex, hi = list.endIndex
                            while lo < hi {
                                let mid = (lo + hi) / 2
                                if day[list[mid]] < d &- window { lo = mid + 1 } else { hi = mid }
                            }
                            var j = lo
                            while j < list.endIndex, day[list[j]] <= d &+ window {
                                let c = list[j]
                                if !taken[c], bits[c] & (EventColumns.selfReported | EventColumns.signal) == 0, type[c] == type[i] {
                                    taken[c] = true
                                    matched[i] = Int32(c)
                                    break
                                }
                                j += 1
                            }
                        }
                    }
                }
            }
        }
        return matched
    }

    /// One more than the highest advocate number in `events`.
    static func advocateCount(_ events: [AdvocacyEvent]) -> Int {
        var n: Int32 = -1
        for e in events where e.advocate > n { n = e.advocate }
        return Int(n) + 1
    }

    /// Why an ask is over the cap: too soon after the accepted ask `last`, or the
    /// accepted asks in `window` already fill the 365 days ending on its date.
    public enum OverCap {
        case tooSoon(last: Int)
        case yearFull(window: [Int])
    }

    /// The `ask_cap` rule (SPEC section 6), shared by the check and the ask calendar:
    /// the asks (`isAsk`) among `order` (date order), per advocate. An ask is over the cap
    /// fewer than `min_days_between` days after the advocate's last accepted ask, or when
    /// `max_per_year` accepted asks fall in the 365 days ending on its date; over-cap asks
    /// go to `over` and are not accepted. Returns the accepted asks per advocate number, in order.
    public static func acceptAsks(_ events: [AdvocacyEvent], order: [Int], cap: GamingChecks.AskCap,
                                  isAsk: (Int) -> Bool, over: (Int, OverCap) -> Void) -> EventGroups {
        acceptAsks(EventColumns(events).day, byAdvocate: EventGroups(groups: advocateCount(events), order: order) { events[$0].advocate },
                   cap: cap, isAsk: isAsk, over: over)
    }

    /// The same, given each advocate's events in date order.
    static func acceptAsks(_ day: [Int32], byAdvocate asks: EventGroups, cap: GamingChecks.AskCap,
                           isAsk: (Int) -> Bool, over: (Int, OverCap) -> Void) -> EventGroups {
        var starts = [0], items: [Int] = []
        starts.reserveCapacity(asks.count + 1)
        var list: [Int] = []  // the advocate's accepted asks so far
        for a in 0..<asks.count {
            list.removeAll(keepingCapacity: true)
            var start = 0  // first accepted ask that may still be in a 365-day window
            for i in asks[a] where isAsk(i) {
                let today = Int(day[i])
                while start < list.count, Int(day[list[start]]) < today - 364 { start += 1 }
                if let last = list.last, today - Int(day[last]) < cap.minDaysBetween {
                    over(i, .tooSoon(last: last))
                } else if list.count - start >= cap.maxPerYear {
                    over(i, .yearFull(window: Array(list[start...])))
                } else {
                    list.append(i)
                }
            }
            items += list
            starts.append(items.count)
        }
        return EventGroups(starts: starts, items: items)
    }

    /// The `escalation` rule (SPEC section 6), shared by the check and the ask calendar. An
    /// account is in escalation on day D when one of its `escalation` rows is dated on or
    /// before D and fewer than `withinDays` days before it, and none of its
    /// `escalation_resolved` rows is dated from that escalation's day to D. Each ask
    /// (`isAsk`) on an account in escalation on its date goes to `during`, with the
    /// escalation that covers it: the earliest still open (date order, then event_id).
    ///
    /// Each account's rows are read in date order one day at a time: the day's openings,
    /// then its resolutions (which close every escalation opened on or before that day),
    /// then its asks. Accounts without an escalation row are not grouped at all.
    public static func asksDuringEscalation(_ events: [AdvocacyEvent], order: [Int], withinDays: Int,
                                            isAsk: (Int) -> Bool, during: (Int, Int) -> Void) {
        var escalated: [Bool] = []
        for e in events where e.signal == .escalationOpened && e.account >= 0 {
            if Int(e.account) >= escalated.count { escalated += Array(repeating: false, count: Int(e.account) + 1 - escalated.count) }
            escalated[Int(e.account)] = true
        }
        guard !escalated.isEmpty else { return }
        let byAccount = EventGroups(groups: escalated.count, order: order) { i in
            let a = events[i].account
            return a >= 0 && Int(a) < escalated.count && escalated[Int(a)] ? a : -1
        }
        var open: [Int] = []  // escalations opened and not resolved, in date order
        for a in 0..<byAccount.count {
            let list = byAccount[a]
            guard !list.isEmpty else { continue }
            open.removeAll(keepingCapacity: true)
            var start = 0  // first open escalation that can still cover a later day
            var j = list.startIndex
            while j < list.endIndex {
                let day = events[list[j]].date.dayNumber
                var k = j
                while k < list.endIndex, events[list[k]].date.dayNumber == day { k += 1 }
                let today = list[j..<k]
                for i in today where events[i].signal == .escalationOpened { open.append(i) }
                if today.contains(where: { events[$0].signal == .escalationResolved }) {
                    open.removeAll(keepingCapacity: true)
                    start = 0
                }
                while start < open.count, day - events[open[start]].date.dayNumber >= withinDays { start += 1 }
                if start < open.count {
                    for i in today where !events[i].isSignal && isAsk(i) { during(i, open[start]) }
                }
                j = k
            }
        }
    }

    /// The escalations open on `day`, per account number (the same rule as
    /// `asksDuringEscalation`), each account's in date order, then event_id.
    public static func openEscalations(_ events: [AdvocacyEvent], order: [Int], withinDays: Int, on day: CivilDate) -> [Int32: [Int]] {
        var open: [Int32: [Int]] = [:]
        var resolvedOn: [Int32: Int] = [:]  // the latest resolution of each account up to `day`
        for i in order where events[i].date <= day && events[i].account >= 0 {
            let e = events[i]
            switch e.signal {
            case .escalationOpened: open[e.account, default: []].append(i)
            case .escalationResolved: resolvedOn[e.account] = max(resolvedOn[e.account] ?? Int.min, e.date.dayNumber)
            case .none: break
            }
        }
        var out: [Int32: [Int]] = [:]
        for (account, list) in open {
            let closed = resolvedOn[account] ?? Int.min
            let still = list.filter { i in
                let d = events[i].date.dayNumber
                return d > closed && day.dayNumber - d < withinDays
            }
            if !still.isEmpty { out[account] = still }
        }
        return out
    }

    /// `part / whole > share`, exactly (integers against the plan's decimal).
    static func exceeds(_ part: Int, of whole: Int, _ share: FixedDecimal) -> Bool {
        guard whole > 0, let p = try? FixedDecimal(part) / FixedDecimal(whole) else { return false }
        return p > share
    }

    static func share(_ part: Int, _ whole: Int) -> String {
        guard whole > 0, let p = try? FixedDecimal(part) / FixedDecimal(whole) else { return "0%" }
        return p.percentString()
    }

    /// The actual of every `from_events` KPI at every scope the run's payees need.
    static func derive(plan: Plan, ledger: Ledger, state: [LedgerOutcome.EventState], roster: Roster, payeeIDs: [String],
                       period: Period, firstDay: CivilDate, lastDay: CivilDate) -> ([ActualRow], [Diagnostic]) {
        let derived = plan.kpis.filter { $0.fromEvents != nil }
        guard !derived.isEmpty else { return ([], []) }
        var diagnostics: [Diagnostic] = []
        let events = ledger.events
        let typeIndex = Dictionary(ledger.types.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        // Person (ledger number) -> unit (roster: rows of every plan).
        let unitOfPerson: [String?] = ledger.people.map { p in roster.rowOf[p].map { roster.payees[$0].unit } }
        let payeeUnits = payeeIDs.compactMap { roster.rowOf[$0].map { roster.payees[$0].unit } }
        let personIndex = Dictionary(ledger.people.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        // Units by number, each person's unit number (-1: none), for unit-scope sums.
        let unitNames = Array(Set(unitOfPerson.compactMap { $0 })).sorted()
        let unitNumber = Dictionary(unitNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let personUnit = unitOfPerson.map { u in u.flatMap { unitNumber[$0] } ?? -1 }
        let payeeUnitSet = Set(payeeUnits), payeeSet = Set(payeeIDs)
        var rows: [ActualRow] = []
        for kpi in derived {
            guard let d = kpi.fromEvents else { continue }
            var counted = [Bool](repeating: false, count: ledger.types.count)
            for t in d.types { if let k = typeIndex[t] { counted[Int(k)] = true } }
            // The sums the KPI's scope reads: the company's (every credited event), each
            // unit's (by the unit of the person credited) or each person's. A sum that
            // would leave the range of exact decimals takes no more events; the event that
            // took it there is reported when a payee of the run reads the sum.
            let slots = kpi.scope == .company ? 1 : kpi.scope == .unit ? unitNames.count : ledger.people.count
            var sums = [FixedDecimal](repeating: .zero, count: slots)
            var overflowed: [Int: (event: Int, value: FixedDecimal)] = [:]
            for (i, e) in events.enumerated() where state[i].credited && counted[Int(e.type)] && e.date >= firstDay && e.date <= lastDay {
                var v: FixedDecimal
                if d.value == .count {
                    v = .one
                } else if let a = e.amount {
                    v = a
                } else {
                    diagnostics.append(.error("event \(e.id) (\(ledger.type(of: e))) has no amount, and KPI '\(kpi.id)' sums the amounts of its events",
                                              at: ledger.location(e), notes: [.init("from_events defined here", at: d.location)]))
                    continue
                }
                let slot: Int
                switch kpi.scope {
                case .company: slot = 0
                case .unit: slot = e.creditedTo >= 0 ? personUnit[Int(e.creditedTo)] : -1
                case .payee: slot = Int(e.creditedTo)
                }
                guard slot >= 0, overflowed.isEmpty || overflowed[slot] == nil else { continue }
                if !e.solicited {
                    do { v = try v * d.unsolicitedWeight } catch {
                        diagnostics.append(.error("event \(e.id)'s amount \(v) times the unsolicited_weight \(d.unsolicitedWeight) of KPI '\(kpi.id)' is beyond the range of exact decimals",
                                                  at: ledger.location(e), notes: [.init("from_events defined here", at: d.location)]))
                        continue
                    }
                }
                do { sums[slot] = try sums[slot] + v } catch { overflowed[slot] = (i, v) }
            }
            for (slot, o) in overflowed.sorted(by: { $0.value.event < $1.value.event }) {
                let e = events[o.event]
                let scope: String
                switch kpi.scope {
                case .company: scope = "company"
                case .unit:
                    guard payeeUnitSet.contains(unitNames[slot]) else { continue }
                    scope = "unit:\(unitNames[slot])"
                case .payee:
                    guard payeeSet.contains(ledger.people[slot]) else { continue }
                    scope = "payee:\(ledger.people[slot])"
                }
                diagnostics.append(.totalOverflow("event \(e.id)'s \(d.value == .count ? "count" : "amount")", o.value, places: nil,
                                                  totals: ["KPI '\(kpi.id)' at \(scope) (the sum of its credited events of \(period))"],
                                                  at: ledger.location(e), notes: [.init("from_events defined here", at: d.location)]))
            }
            switch kpi.scope {
            case .company:
                rows.append(ActualRow(period: period, scope: .company, kpi: kpi.id, value: sums[0], line: 0))
            case .unit:
                for unit in Set(payeeUnits).sorted() {
                    rows.append(ActualRow(period: period, scope: .unit(unit), kpi: kpi.id, value: unitNumber[unit].map { sums[$0] } ?? .zero, line: 0))
                }
            case .payee:
                for p in payeeIDs {
                    let v = personIndex[p].map { sums[Int($0)] } ?? .zero
                    rows.append(ActualRow(period: period, scope: .payee(p), kpi: kpi.id, value: v, line: 0))
                }
            }
        }
        return (rows, diagnostics)
    }
}
