import AdvocompModel

/// What the calculation produced for one payee (SPEC section 5).
public struct PayeeResult: Sendable {
    public enum Status: String, Sendable, CaseIterable { case ok, ineligible, held }
    public enum Clamp: String, Sendable { case none, cap, floor, zero }

    public var payee: Payee
    public var currency: Currency
    public var status: Status
    public var activeDays: Int
    public var daysInPeriod: Int
    /// `activeDays / daysInPeriod`.
    public var proration: FixedDecimal
    /// Annual target bonus (base_salary * target_bonus_pct, or target_bonus).
    public var annualTarget: FixedDecimal
    /// Target incentive for the period, unrounded.
    public var targetIncentive: FixedDecimal
    /// Component scores (after max_score), in plan order.
    public var componentScores: [FixedDecimal]
    /// Component amounts after modifiers, in plan order.
    public var componentAmounts: [FixedDecimal]
    /// Modifier factors, in plan order.
    public var modifierFactors: [FixedDecimal]
    /// Sum of the component amounts, before cap and floor.
    public var grossBeforeClamp: FixedDecimal
    /// After cap and floor, unrounded.
    public var gross: FixedDecimal
    public var clamp: Clamp
    /// Rounded to the currency's minor units, before the pool.
    public var roundedPayout: FixedDecimal
    /// Final payout (after the pool, if any).
    public var payout: FixedDecimal
    /// Step-by-step derivation, when asked for.
    public var trace: PayeeTrace?
    /// Each KPI's actual for this payee, in plan order (nil: not read), when asked for
    /// (the workbook export caches them in its cells).
    public var kpiActuals: [FixedDecimal?] = []

    /// Target incentive rounded as the payout is (SPEC section 7).
    public var roundedTargetIncentive: FixedDecimal
}

/// The pool's effect on a run (SPEC section 5 step 10).
public struct PoolResult: Sendable {
    public var amount: FixedDecimal
    public var currency: Currency
    /// Sum of payouts before the pool.
    public var totalBefore: FixedDecimal
    /// True when the total exceeded the pool and payouts were scaled down.
    public var applied: Bool
    /// `amount / totalBefore` when applied.
    public var ratio: FixedDecimal?
    /// How the pool amount was obtained ("amount" or the formula text and its value).
    public var source: String
}

/// One run: every payee of the plan for one period.
public struct RunResult: Sendable {
    public var plan: Plan
    public var period: Period
    public var firstDay: CivilDate
    public var lastDay: CivilDate
    /// payee_id ascending (plain byte order).
    public var payees: [PayeeResult]
    public var pool: PoolResult?
    /// The run's totals by currency, status and unit, computed once where the run is
    /// calculated (reports read them; none adds payouts itself).
    public var totals: RunTotals
    public var warnings: [Diagnostic]
    /// The actuals the run read (all periods; the workbook lists the period's rows),
    /// with the rows derived from the event ledger (line 0) appended.
    public var actuals: Actuals?
    /// The event ledger's credit, findings and holds, when the run had `--events`.
    public var ledger: LedgerOutcome?
    /// The gaming findings of the period (empty without a ledger).
    public var findings: [Finding] { ledger?.findings ?? [] }
}

/// The derivation of one payout, for `explain`.
public struct PayeeTrace: Sendable {
    public struct KPILine: Sendable {
        public var id: String
        public var actual: FixedDecimal
        /// Where the actual came from: a file line and scope, a formula, or `missing: zero`.
        public var source: String
        public var target: FixedDecimal?
        public var targetSource: String?
        public var attainment: FixedDecimal?
        public var better: KPI.Better
    }
    public struct MeasureLine: Sendable {
        public var kpi: String
        public var weight: FixedDecimal
        public var attainment: FixedDecimal
        public var curve: String?
        public var factor: FixedDecimal
    }
    public struct KeyResultLine: Sendable {
        public var id: String
        public var kpi: String
        public var actual: FixedDecimal
        public var start: FixedDecimal
        public var target: FixedDecimal
        public var max: FixedDecimal
        public var progress: FixedDecimal
        public var weight: FixedDecimal
    }
    public struct ComponentLine: Sendable {
        public var id: String
        public var weight: FixedDecimal
        public var measures: [MeasureLine] = []
        public var keyResults: [KeyResultLine] = []
        public var objective: String?
        public var objectiveScore: FixedDecimal?
        public var curve: String?
        public var formula: String?
        public var rawScore: FixedDecimal
        public var maxScore: FixedDecimal?
        public var score: FixedDecimal
        public var amount: FixedDecimal
    }
    public struct ModifierLine: Sendable {
        public var id: String
        public var type: String
        /// What decided the factor: the condition and whether it held, or the KPI value.
        public var reason: String
        public var factor: FixedDecimal
        public var appliesTo: [String]
        /// Component amounts after this modifier.
        public var amountsAfter: [FixedDecimal]
    }

    public var kpis: [KPILine] = []
    public var components: [ComponentLine] = []
    public var modifiers: [ModifierLine] = []
}
