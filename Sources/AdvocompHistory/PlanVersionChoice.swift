import AdvocompKit
import AdvocompStore

/// Which stored version of a plan a period is calculated with.
public enum PlanVersionChoice {
    /// The version in effect for `period`: the one with the latest effective date on or
    /// before the period's first day. The first day depends on the version's own
    /// `fiscal_year_start_month`, so each candidate is judged with its own.
    /// - Parameter versions: effective date (YYYY-MM-DD) and parsed plan of each version.
    /// - Returns: the index into `versions`, or nil when none is in effect yet.
    /// - Parameter onLastDay: judge on the period's last day instead (the true-up uses
    ///   the version in effect at the end of the year).
    public static func inEffect(_ versions: [(effective: String, plan: Plan)], period: Period, onLastDay: Bool = false) -> Int? {
        var best: (index: Int, effective: CivilDate)?
        for (k, v) in versions.enumerated() {
            guard let effective = CivilDate.parse(v.effective) else { continue }
            let dates = period.dates(fiscalYearStartMonth: v.plan.fiscalYearStartMonth)
            guard effective <= (onLastDay ? dates.last : dates.first) else { continue }
            if let b = best, b.effective >= effective { continue }
            best = (k, effective)
        }
        return best?.index
    }
}

/// A stored plan version chosen for a run, ready to calculate with.
public struct ChosenPlanVersion {
    public var version: PlanVersion
    /// The plan file, as an input.
    public var plan: InputFile
    /// The OKR sets it reads (recorded with the run).
    public var okrFiles: [InputFile]
    /// Serves those OKR sets to the plan parser.
    public var loader: PlanParser.FileLoader
}

extension PlanVersionChoice {
    /// Why no version could be chosen, in words.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// `--plan-id`: the stored version of `planID` in effect for `period` (on its last day
    /// when `onLastDay`: the true-up). A period that does not parse is reported by the
    /// calculation; the latest version stands in. No stored version, or none in effect
    /// yet, is a `Problem` naming the stored ones.
    public static func inEffect(_ store: RunStore, planID: String, period: String, onLastDay: Bool = false) throws -> ChosenPlanVersion {
        let versions = try store.planVersions(planID)
        guard let latest = versions.last else {
            throw Problem(message: "plan \(planID) has no stored versions (advocomp plans add FILE --effective DATE)")
        }
        func loader(_ v: PlanVersion) -> PlanParser.FileLoader {
            StoredInputs.loader(v.okrFiles, owner: "plan \(v.planID) version \(v.version)")
        }
        let parsed = versions.compactMap { v -> (effective: String, plan: Plan)? in
            Pipeline.loadPlan(InputFile(path: v.plan.path, bytes: v.plan.content), loadFile: loader(v)).plan.map { (v.effective, $0) }
        }
        var chosen = latest
        if let p = Period.parse(period) {
            guard let k = inEffect(parsed, period: p, onLastDay: onLastDay),
                  let v = versions.first(where: { $0.effective == parsed[k].effective }) else {
                throw Problem(message: "plan \(planID) has no version in effect for \(period) (stored: \(describe(versions)))")
            }
            chosen = v
        }
        return ChosenPlanVersion(version: chosen, plan: InputFile(path: chosen.plan.path, bytes: chosen.plan.content),
                                 okrFiles: chosen.okrFiles.map { InputFile(path: $0.path, bytes: $0.content) }, loader: loader(chosen))
    }

    /// `2026.1 from 2026-01-01, 2026.2 from 2026-04-01`.
    public static func describe(_ versions: [PlanVersion]) -> String {
        versions.map { "\($0.version) from \($0.effective)" }.joined(separator: ", ")
    }
}
