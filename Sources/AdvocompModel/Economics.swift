/// A plan's `economics:` section (advocomp's own, issue 17): what counts as the advocacy
/// incentive's cost, and how the referred revenue it is weighed against is counted. It
/// never changes a payout; the `economics` report reads it. See README, "Programme
/// economics".
///
/// ```yaml
/// economics:
///   advocacy_components: [ledger-scorecard]   # components whose share of the payout is advocacy cost
///   revenue:
///     types: [referral]                         # event types whose amount is referred revenue
///     baseline_share: 30%                       # share that would have come anyway
///     margin: 70%                               # contribution margin on incremental revenue
/// ```
public struct Economics: Sendable, Equatable {
    /// Component ids (plan order is kept by the report, not here).
    public var components: [String]
    /// Event types counted as referred revenue (their `amount`).
    public var revenueTypes: [String]
    /// The share of referred revenue that would have come without the programme (0..1).
    public var baselineShare: FixedDecimal
    /// The contribution margin on incremental revenue (0..1).
    public var margin: FixedDecimal
    public var location: SourceLocation

    public init(components: [String], revenueTypes: [String], baselineShare: FixedDecimal, margin: FixedDecimal, location: SourceLocation) {
        self.components = components; self.revenueTypes = revenueTypes
        self.baselineShare = baselineShare; self.margin = margin; self.location = location
    }
}
