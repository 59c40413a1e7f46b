import AdvocompModel
import GRDB

/// One entry of the approval trail: a run approved, its approval revoked, or its period
/// closed with it as the final run. The trail is only ever added to (the history refuses
/// to change or delete an entry), so it answers "who approved this, when, and was it
/// ever withdrawn" as it happened.
public struct ApprovalEntry: Sendable, Equatable {
    public enum Action: String, Sendable { case approve, revoke, close }
    public var runID: Int64
    public var action: Action
    /// UTC, ISO 8601.
    public var at: String
    public var by: String
    public var note: String
    public init(runID: Int64, action: Action, at: String, by: String, note: String) {
        self.runID = runID; self.action = action; self.at = at; self.by = by; self.note = note
    }
}

/// Who does something to the history, when, and why: passed in by the command (the store
/// reads no clock and no environment).
public struct Actor: Sendable {
    public var by: String
    public var at: String
    public var note: String
    public init(by: String, at: String, note: String = "") { self.by = by; self.at = at; self.note = note }
}

extension RunStore {
    /// Approves runs (one, or every run of a run set) in one transaction. One regular run
    /// per period and plan is approved at a time: approving another revokes the earlier
    /// one (the trail says so, naming the run that took its place); adjustments are
    /// approved one by one. A closed period's regular runs cannot be approved; its
    /// adjustments can. Returns each run as approved and the runs whose approval it
    /// revoked.
    public func approve(_ ids: [Int64], _ actor: Actor) throws -> (runs: [RunSummary], revoked: [Int64]) {
        try write { db in
            var approved: [RunSummary] = [], revoked: [Int64] = []
            for id in ids {
                guard let run = try RunStore.summary(db, id) else { throw StoreError("there is no run \(id) (advocomp runs lists them)") }
                if run.isFinal { throw StoreError("run \(id) is already the final run of \(run.period) for plan \(run.planID)") }
                if run.approvedAt != nil { throw StoreError("run \(id) is already approved (by \(run.approvedBy ?? "?") at \(run.approvedAt ?? "?"))") }
                if let final = try RunStore.finalRun(db, period: run.period, planID: run.planID), run.kind == .regular {
                    throw StoreError("\(run.period) is closed for plan \(run.planID): its final run is \(final); calculate again to make an adjustment run")
                }
                if run.kind == .regular {
                    let previous = try Int64.fetchAll(db, sql: """
                        SELECT id FROM runs WHERE period = ? AND plan_id = ? AND kind = 'regular' AND approved_at IS NOT NULL AND id <> ?
                        """, arguments: [run.period.description, run.planID, id])
                    for p in previous {
                        try db.execute(sql: "UPDATE runs SET approved_at = NULL, approved_by = NULL WHERE id = ?", arguments: [p])
                        try RunStore.addToTrail(db, p, .revoke, Actor(by: actor.by, at: actor.at, note: "superseded by run \(id)"))
                        revoked.append(p)
                    }
                }
                try db.execute(sql: "UPDATE runs SET approved_at = ?, approved_by = ? WHERE id = ?", arguments: [actor.at, actor.by, id])
                try RunStore.addToTrail(db, id, .approve, actor)
                guard let updated = try RunStore.summary(db, id) else { throw StoreError("run \(id) vanished") }
                approved.append(updated)
            }
            return (approved, revoked)
        }
    }

    /// Withdraws the approval of runs (one, or a run set's) in one transaction. A final
    /// run cannot be revoked: its period is closed (an adjustment corrects it).
    public func revoke(_ ids: [Int64], _ actor: Actor) throws -> [RunSummary] {
        try write { db in
            try ids.map { id in
                guard let run = try RunStore.summary(db, id) else { throw StoreError("there is no run \(id) (advocomp runs lists them)") }
                if run.isFinal {
                    throw StoreError("run \(id) is the final run of \(run.period) for plan \(run.planID): a closed period is corrected by an adjustment run, not by revoking it")
                }
                guard run.approvedAt != nil else { throw StoreError("run \(id) is not approved") }
                try db.execute(sql: "UPDATE runs SET approved_at = NULL, approved_by = NULL WHERE id = ?", arguments: [id])
                try RunStore.addToTrail(db, id, .revoke, actor)
                guard let updated = try RunStore.summary(db, id) else { throw StoreError("run \(id) vanished") }
                return updated
            }
        }
    }

    /// Closes `period` for every plan with runs in it (or for `planIDs` only): each needs
    /// an approved regular run, which becomes final. All or nothing.
    public func close(period: Period, planIDs: [String]? = nil, _ actor: Actor) throws -> [RunSummary] {
        try write { db in
            var plans = try String.fetchAll(db, sql: "SELECT DISTINCT plan_id FROM runs WHERE period = ? ORDER BY plan_id",
                                            arguments: [period.description])
            if let planIDs { plans = plans.filter { planIDs.contains($0) } }
            guard !plans.isEmpty else {
                let which = planIDs.map { $0.count == 1 ? " of plan \($0[0])" : " of plans \($0.joined(separator: ", "))" } ?? ""
                throw StoreError("there are no runs for \(period)\(which): calculate and approve one first")
            }
            var finals: [RunSummary] = [], problems: [String] = []
            for plan in plans {
                if let f = try RunStore.finalRun(db, period: period, planID: plan) {
                    problems.append("\(period) is already closed for plan \(plan) (final run \(f))")
                    continue
                }
                let approved = try Int64.fetchOne(db, sql: """
                    SELECT id FROM runs WHERE period = ? AND plan_id = ? AND kind = 'regular' AND approved_at IS NOT NULL
                    """, arguments: [period.description, plan])
                guard let approved, let run = try RunStore.summary(db, approved) else {
                    problems.append("plan \(plan) has no approved run for \(period) (advocomp runs --period \(period); advocomp approve RUN)")
                    continue
                }
                finals.append(run)
            }
            guard problems.isEmpty else { throw StoreError(problems.joined(separator: "; ")) }
            for run in finals {
                try ClosedPeriodRecord(period: period.description, planID: run.planID, finalRun: run.id, closedAt: actor.at, closedBy: actor.by).insert(db)
                try RunStore.addToTrail(db, run.id, .close, actor)
            }
            return try finals.compactMap { try RunStore.summary(db, $0.id) }
        }
    }

    private static func addToTrail(_ db: Database, _ run: Int64, _ action: ApprovalEntry.Action, _ actor: Actor) throws {
        var row = ApprovalRecord(seq: nil, runID: run, action: action.rawValue, doneAt: actor.at, doneBy: actor.by, note: actor.note)
        try row.insert(db)
    }

    /// The approval trail of runs, oldest first (every run's when `runs` is nil).
    public func trail(_ runs: [Int64]? = nil) throws -> [ApprovalEntry] {
        try read { db in
            let rows: [ApprovalRecord]
            if let runs {
                rows = try ApprovalRecord.fetchAll(db, sql: "SELECT * FROM approvals WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
                                                   arguments: ["[" + runs.map(String.init).joined(separator: ",") + "]"])
            } else {
                rows = try ApprovalRecord.fetchAll(db, sql: "SELECT * FROM approvals ORDER BY seq")
            }
            return try rows.map { r in
                guard let action = ApprovalEntry.Action(rawValue: r.action) else {
                    throw RunStore.damaged("the approval trail of run \(r.runID) has an entry '\(r.action)', which advocomp does not know")
                }
                return ApprovalEntry(runID: r.runID, action: action, at: r.doneAt, by: r.doneBy, note: r.note)
            }
        }
    }
}

// MARK: Run sets

/// Several plans' runs calculated together (`calculate --plan A --plan B`): one close.
public struct RunSet: Sendable, Equatable {
    public var id: Int64
    public var createdAt: String
    public var createdBy: String
    public var commandLine: String
    /// In id order (the order of the plans on the command line).
    public var runs: [RunSummary]
}

extension RunStore {
    /// The run set `id` with its runs, or nil.
    public func runSet(_ id: Int64) throws -> RunSet? {
        try read { db -> RunSet? in
            guard let row = try RunSetRecord.fetchOne(db, sql: "SELECT * FROM run_sets WHERE id = ?", arguments: [id]) else { return nil }
            let runs = try RunSummaryRow.fetchAll(db, sql: RunSummaryRow.sql + " WHERE r.run_set = ? ORDER BY r.id", arguments: [id])
                .map { try RunStore.summary($0) }
            return RunSet(id: id, createdAt: row.createdAt, createdBy: row.createdBy, commandLine: row.commandLine, runs: runs)
        }
    }
}

// MARK: Totals

/// A run's totals in one currency: how many payees, what they earned (`payout`, every
/// status) and what is paid (`payable`: a calculation's payees with status ok; a
/// true-up's payees not held).
public struct RunTotal: Sendable, Equatable {
    public var currency: Currency
    public var payees: Int
    public var payout: Money
    public var payable: Money

    /// The totals of `payees` by currency code, exactly; a total beyond the range of exact
    /// decimals is an error naming `run`.
    public static func of(_ payees: [StoredPayee], trueUp: Bool, run: String) throws -> [RunTotal] {
        var by: [String: RunTotal] = [:]
        for p in payees {
            var t = by[p.currency.code] ?? RunTotal(currency: p.currency, payees: 0, payout: .zero(p.currency), payable: .zero(p.currency))
            do {
                t.payees += 1
                t.payout = try t.payout + p.payout
                if trueUp ? p.status != .held : p.status == .ok { t.payable = try t.payable + p.payout }
            } catch {
                throw StoreError("\(run)'s payout total in \(p.currency.code) is beyond the largest amount advocomp can hold")
            }
            by[p.currency.code] = t
        }
        return by.keys.sorted().compactMap { by[$0] }
    }
}

extension RunStore {
    /// The run's totals by currency: as recorded (schema 4 on), or worked out from its
    /// payees for a run recorded before. An amount that cannot be read is an error naming
    /// the run.
    public func totals(_ id: Int64) throws -> [RunTotal] {
        let rows = try read { db in
            try RunTotalRecord.fetchAll(db, sql: "SELECT * FROM run_totals WHERE run_id = ? ORDER BY currency", arguments: [id])
        }
        guard !rows.isEmpty else { return try RunTotal.of(payees(id, json: false), trueUp: summary(id)?.purpose == .trueUp, run: "run \(id)") }
        return try rows.map { r in
            guard let currency = Currency(code: r.currency) else {
                throw RunStore.damaged("run \(id) stores totals in '\(r.currency)', which is not an ISO 4217 currency")
            }
            guard let payout = Money.parse(r.payout, currency), let payable = Money.parse(r.payable, currency) else {
                throw RunStore.damaged("run \(id) stores totals '\(r.payout)' and '\(r.payable)' in \(currency.code), which are not both amounts")
            }
            return RunTotal(currency: currency, payees: Int(r.payees), payout: payout, payable: payable)
        }
    }
}

// MARK: What was paid

extension RunStore {
    /// The run whose payroll a run adjusts: for an adjustment of a closed period, the
    /// latest adjustment approved before it (by id), else the period's final run; nil for
    /// any other run (its payroll is a first payment). `before` nil: a run about to be
    /// recorded (after every run there is), for `period` and `planID` (nil when open).
    public func runPaidBefore(period: Period, planID: String, before id: Int64? = nil) throws -> Int64? {
        try read { db in
            guard let final = try RunStore.finalRun(db, period: period, planID: planID), final != id else { return nil }
            if let id, id < final { return nil }
            let adjustment = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM runs WHERE adjusts = ? AND approved_at IS NOT NULL AND id < ?",
                                                arguments: [final, id ?? Int64.max])
            return adjustment ?? final
        }
    }
}
