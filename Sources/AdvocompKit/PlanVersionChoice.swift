import AdvocompModel

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
