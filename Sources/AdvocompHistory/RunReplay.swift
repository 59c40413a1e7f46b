import AdvocompKit
import AdvocompStore

/// A stored run calculated again from its stored inputs, with this advocomp.
public enum Rerun: Sendable {
    case calculation(RunResult, CalculationRequest)
    case trueUp(TrueUpResult, CalculationRequest)
    case failed([Diagnostic])

    /// The JSON output, as the run's command writes it.
    public var json: String? {
        switch self {
        case .calculation(let r, _): return JSONReport.render(r)
        case .trueUp(let t, _): return TrueUpReport.json(t)
        case .failed: return nil
        }
    }

    /// The findings, as the run records them.
    public var findings: [StoredFinding] {
        switch self {
        case .calculation(let r, _): return r.findings.map(StoredFinding.init)
        case .trueUp(let t, _): return t.fullYear.findings.map(StoredFinding.init)
        case .failed: return []
        }
    }

    /// Each payee as the run records it: id, name, payout (the true-up for a true-up),
    /// status and JSON object.
    public var payees: [StoredPayee] {
        switch self {
        case .calculation(let r, _): return r.payees.map { Recording.payee($0, json: JSONReport.payeeObject($0, plan: r.plan)) }
        case .trueUp(let t, _): return t.lines.map(Recording.payee)
        case .failed: return []
        }
    }
}

/// Re-running and verifying stored runs (`show`, `replay`, `check`).
public enum RunReplay {
    /// Calculates a stored run again: a calculation from its stored inputs; a true-up
    /// from its stored inputs and the basis it recorded. Returns the OKR sets it read
    /// too (the workbook's Audit sheet lists them).
    public static func rerun(_ store: RunStore, _ run: RunSummary, recordFigures: Bool = false) throws -> (rerun: Rerun, okrFiles: [InputFile]) {
        let files = try store.files(run.id)
        guard let plan = StoredInputs.input(.plan, in: files), let roster = StoredInputs.input(.roster, in: files),
              let actuals = StoredInputs.input(.actuals, in: files) else {
            throw StoreError("run \(run.id) is missing stored input files")
        }
        let loader = StoredInputs.loader(files, owner: "run \(run.id)")
        var request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: run.period.description,
                                         events: StoredInputs.input(.events, in: files))
        request.recordFigures = recordFigures
        let okrFiles = StoredInputs.okrFiles(files)
        if run.purpose == .trueUp {
            let (year, basis) = try TrueUpHistory.recordedBasis(store, run: run)
            let (t, diagnostics) = Pipeline.trueUp(request, year: year, basis: basis, loadFile: loader)
            return (t.map { .trueUp($0, request) } ?? .failed(diagnostics), okrFiles)
        }
        let outcome = Pipeline.calculate(request, loadFile: loader)
        return (outcome.result.map { .calculation($0, request) } ?? .failed(outcome.diagnostics), okrFiles)
    }

    /// What `verify` found: the differences in words (none when everything matches), the
    /// recalculated payee count, and the diagnostics of a recalculation that failed.
    public struct Verification: Sendable {
        public var differences: [String]
        public var payees: Int
        public var diagnostics: [Diagnostic]
    }

    /// Everything stored about a run, checked: the record itself (hashes of its result and
    /// input files), then a recalculation from its stored inputs against the stored result,
    /// every stored payee row (all of its columns), the totals (in the result) and the
    /// findings. A stored value that cannot be read is a difference naming it.
    public static func verify(_ store: RunStore, _ run: RunSummary) throws -> Verification {
        var differences = try store.recordProblems(run.id)
        let rerun: Rerun
        do { rerun = try RunReplay.rerun(store, run).rerun } catch {
            return Verification(differences: differences + ["it cannot be recalculated: \((error as? StoreError)?.message ?? "\(error)")"],
                                payees: 0, diagnostics: [])
        }
        guard let json = rerun.json else {
            if case .failed(let d) = rerun {
                return Verification(differences: differences + ["its stored inputs no longer calculate" + (d.errors.first.map { ": \($0.description)" } ?? "")],
                                    payees: 0, diagnostics: d)
            }
            return Verification(differences: differences, payees: 0, diagnostics: [])
        }
        let stored = try store.resultJSON(run.id) ?? ""
        let now = rerun.payees
        let storedPayees: [StoredPayee]
        do { storedPayees = try store.payees(run.id) } catch let e as StoreError {
            return Verification(differences: differences + ["its stored payees cannot be read: \(e.message)"], payees: now.count, diagnostics: [])
        }
        let byID = Dictionary(storedPayees.map { ($0.payeeID, $0) }, uniquingKeysWith: { a, _ in a })
        func shown(_ p: StoredPayee) -> String { "\(p.payout.plain) \(p.currency.code) (\(p.status.rawValue))" }
        var seen = Set<String>()
        for p in now {
            seen.insert(p.payeeID)
            guard let before = byID[p.payeeID] else { differences.append("\(p.payeeID): not in the stored run"); continue }
            if before.payout != p.payout || before.status != p.status {
                differences.append("\(p.payeeID): stored \(shown(before)), now \(shown(p))")
            } else if before.name != p.name {
                differences.append("\(p.payeeID): stored name '\(before.name)', now '\(p.name)'")
            } else if before.json != p.json {
                differences.append("\(p.payeeID): payout \(p.payout.plain) \(p.currency.code) unchanged, details differ")
            }
        }
        for p in storedPayees where !seen.contains(p.payeeID) { differences.append("\(p.payeeID): in the stored run, not in the recalculation") }
        if storedPayees.count != run.payeeCount {
            differences.append("the run lists \(run.payeeCount) payees, \(storedPayees.count) are stored")
        }
        let findings = try store.findings(run.id)
        if findings != rerun.findings {
            differences.append("findings: \(findings.count) stored, \(rerun.findings.count) recalculated"
                               + (findings.count == rerun.findings.count ? ", some differ" : ""))
        }
        if json != stored {
            if differences.isEmpty { differences.append("the payees and findings agree; the stored result (totals, pool or another figure) differs") }
            else { differences.append("the stored result differs from the recalculation") }
        }
        return Verification(differences: differences, payees: now.count, diagnostics: [])
    }
}
