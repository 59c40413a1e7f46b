/// A pilot of a candidate plan (README, "Pilots"): a cohort (payees or units) paid under
/// the candidate while the rest stayed on the current plan, and the periods before and
/// after it started. Its own YAML file (`pilots/*.yaml`).
public struct Pilot: Sendable {
    public enum Cohort: Sendable, Equatable {
        case payees([String])
        case units([String])
    }
    public var id: String
    public var title: String?
    /// Plan ids, as the history records them.
    public var plan: String
    public var candidate: String
    public var cohort: Cohort
    public var before: [Period]
    public var after: [Period]
    /// Advocacy KPIs and customer-satisfaction KPIs compared, in the order written.
    public var advocacy: [String]
    public var satisfaction: [String]
    public var resamples: Int = 2000
    public var confidence: FixedDecimal = FixedDecimal(raw: 900_000_000_000_000_000)
    public var seed: UInt64 = 1
    public var minimumPerGroup: Int = 3
    public var file: String
    /// Where each KPI is named, for messages about it.
    public var kpiLocations: [String: SourceLocation] = [:]
    public var location: SourceLocation

    public init(id: String, title: String?, plan: String, candidate: String, cohort: Cohort, before: [Period], after: [Period],
                advocacy: [String], satisfaction: [String], file: String, location: SourceLocation) {
        self.id = id; self.title = title; self.plan = plan; self.candidate = candidate; self.cohort = cohort
        self.before = before; self.after = after; self.advocacy = advocacy; self.satisfaction = satisfaction
        self.file = file; self.location = location
    }
}
