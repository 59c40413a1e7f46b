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
    /// The money figures, exact, in `currency`: the engine works on these; every other
    /// module reads them as `Money` (the accessors below), so no amount leaves the engine
    /// without its currency.
    /// Annual target bonus (base_salary * target_bonus_pct, or target_bonus).
    var annualTargetValue: FixedDecimal
    /// Target incentive for the period, unrounded.
    var targetIncentiveValue: FixedDecimal
    /// Component scores (after max_score), in plan order.
    public var componentScores: [FixedDecimal]
    /// Component amounts after modifiers, in plan order.
    var componentAmountValues: [FixedDecimal]
    /// Modifier factors, in plan order.
    public var modifierFactors: [FixedDecimal]
    /// Sum of the component amounts, before cap and floor.
    var grossBeforeClampValue: FixedDecimal
    /// After cap and floor, unrounded.
    var grossValue: FixedDecimal
    public var clamp: Clamp
    /// Rounded to the currency's minor units, before the pool.
    var roundedPayoutValue: FixedDecimal
    /// Final payout (after the pool, if any).
    var payoutValue: FixedDecimal
    /// Step-by-step derivation, when asked for.
    public var trace: PayeeTrace?
    /// Every figure of the payee an output shows beside the payout (each KPI's actual,
    /// target and attainment, each curve factor and objective score), when the run was
    /// asked to record them (`recordFigures`: the workbook, statements). Outputs read
    /// these; none works them out again.
    public var figures: PayeeFigures?

    /// Target incentive rounded as the payout is (SPEC section 7).
    var roundedTargetIncentiveValue: FixedDecimal

    /// Annual target bonus (base_salary * target_bonus_pct, or target_bonus).
    public var annualTarget: Money { Money(annualTargetValue, currency) }
    /// Target incentive for the period, unrounded.
    public var targetIncentive: Money { Money(targetIncentiveValue, currency) }
    /// Target incentive rounded as the payout is (SPEC section 7).
    public var roundedTargetIncentive: Money { Money(roundedTargetIncentiveValue, currency) }
    /// Component `c`'s amount after modifiers (plan order), unrounded.
    public func componentAmount(_ c: Int) -> Money { Money(componentAmountValues[c], currency) }
    /// How many component amounts there are (0 for an ineligible payee).
    public var componentAmountCount: Int { componentAmountValues.count }
    /// Sum of the component amounts, before cap and floor.
    public var grossBeforeClamp: Money { Money(grossBeforeClampValue, currency) }
    /// After cap and floor, unrounded.
    public var gross: Money { Money(grossValue, currency) }
    /// Rounded to the currency's minor units, before the pool.
    public var roundedPayout: Money { Money(roundedPayoutValue, currency) }
    /// Final payout (after the pool, if any).
    public var payout: Money { Money(payoutValue, currency) }
}

/// The figures of one payee beside its payout, as the engine worked them out.
///
/// A KPI the payout read is shown as the engine used it (`scored`). A KPI the plan defines
/// but this payee's payout did not read (another unit's measure, an input kept for
/// reference, every KPI of an ineligible payee) is shown with its real value at the
/// payee's scope, read the same way but without making its absence an error: nil when the
/// inputs have none. Its attainment is given when it has an actual and a target.
/// An ineligible payee's scores and factors are worked out too (the workbook's formulas
/// show them), its amounts being 0.
public struct PayeeFigures: Sendable {
    /// What a figure is. Per KPI (in plan order): `actual`, `target`, `attainment`. Per
    /// measure (in plan order across the components): `measureFactor`, the curve's value
    /// at the attainment (or the attainment itself without a curve). Per key result
    /// (across the OKR components): `keyResultProgress`. Per component: `objectiveScore`
    /// (OKR components only), `rawScore` (before `max_score`), `score`. Per modifier:
    /// `factor`.
    public enum Kind: Int, Sendable, CaseIterable {
        case actual, target, attainment, measureFactor, keyResultProgress, objectiveScore, rawScore, score, factor
    }

    // Every figure of the payee in one array (and one byte of flags each) rather than
    // ten arrays of optionals: a 100,000-payee workbook export keeps them all, and this
    // halves what they take (two allocations a payee, 16 bytes a figure, not 32).
    private var values: [FixedDecimal]
    /// Per figure: bit 0, it has a value; on a KPI's actual, bit 1, the payout read it.
    private var flags: [UInt8]
    private let kpis: Int32, measures: Int32, keyResults: Int32, components: Int32

    public init(kpis: Int, measures: Int, keyResults: Int, components: Int, modifiers: Int) {
        self.kpis = Int32(kpis)
        self.measures = Int32(measures)
        self.keyResults = Int32(keyResults)
        self.components = Int32(components)
        let count = 3 * kpis + measures + keyResults + 3 * components + modifiers
        values = Array(repeating: .zero, count: count)
        flags = Array(repeating: 0, count: count)
    }

    /// Where the figures of `kind` start in `values`.
    private func start(_ kind: Kind) -> Int {
        let k = Int(kpis), m = Int(measures), r = Int(keyResults), c = Int(components)
        switch kind {
        case .actual: return 0
        case .target: return k
        case .attainment: return 2 * k
        case .measureFactor: return 3 * k
        case .keyResultProgress: return 3 * k + m
        case .objectiveScore: return 3 * k + m + r
        case .rawScore: return 3 * k + m + r + c
        case .score: return 3 * k + m + r + 2 * c
        case .factor: return 3 * k + m + r + 3 * c
        }
    }

    /// The `i`th figure of `kind` (nil: none was worked out).
    public subscript(kind: Kind, i: Int) -> FixedDecimal? {
        get {
            let at = start(kind) + i
            return flags[at] & 1 != 0 ? values[at] : nil
        }
        set {
            let at = start(kind) + i
            if let newValue {
                values[at] = newValue
                flags[at] |= 1
            } else {
                values[at] = .zero
                flags[at] &= ~1
            }
        }
    }

    /// Whether the payout read KPI `k`.
    public func scored(_ k: Int) -> Bool { flags[k] & 2 != 0 }

    public mutating func setScored(_ k: Int, _ read: Bool) {
        if read { flags[k] |= 2 } else { flags[k] &= ~2 }
    }
}

/// How a binding pool split its amount, payee by payee (SPEC section 5 step 10), in the
/// currency's minor units: each member's payout before the pool, its floored share, the
/// fraction left over, and whether it took one of the units still missing.
public struct PoolSplit: Sendable {
    /// Indices into `RunResult.payees` of the payees in the pool (status ok or held).
    public var members: [Int]
    public var units: [Int128]
    public var shares: [Int128]
    /// `units * pool / total - share`, exactly (0 <= x < 1).
    public var remainders: [FixedDecimal]
    public var extraUnit: [Bool]
    /// The pool and the members' sum, in minor units.
    public var poolUnits: Int128
    public var totalUnits: Int128

    /// What member `n` is paid: its share, and the extra unit if it took one.
    public func paid(_ n: Int) -> Int128 { shares[n] + (extraUnit[n] ? 1 : 0) }
}

/// The pool's effect on a run (SPEC section 5 step 10).
public struct PoolResult: Sendable {
    var amountValue: FixedDecimal
    public var currency: Currency
    /// Sum of payouts before the pool.
    var totalBeforeValue: FixedDecimal
    /// The pool, rounded as payouts are.
    public var amount: Money { Money(amountValue, currency) }
    /// The payouts of the pool's payees before it.
    public var totalBefore: Money { Money(totalBeforeValue, currency) }
    /// True when the total exceeded the pool and payouts were scaled down.
    public var applied: Bool
    /// `amount / totalBefore` when applied.
    public var ratio: FixedDecimal?
    /// How the pool amount was obtained ("amount" or the formula text and its value).
    public var source: String
    /// Payee by payee, when the pool binds.
    public var split: PoolSplit?
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
