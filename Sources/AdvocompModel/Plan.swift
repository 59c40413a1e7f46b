/// A validated compensation plan (SPEC section 2). Built by AdvocompParser, which
/// guarantees that every reference resolves and every weight set sums to 100%.
public struct Plan: Sendable {
    public enum Pays: String, Sendable, CaseIterable { case quarter, half, year }

    public var id: String
    public var version: String
    public var title: String?
    public var currency: Currency
    public var fiscalYearStartMonth: Int
    public var pays: Pays
    public var rounding: RoundingMode
    public var cap: FixedDecimal?
    public var floor: FixedDecimal?
    public var minActiveDays: Int
    /// In the order written.
    public var kpis: [KPI]
    public var curves: [String: Curve]
    public var objectives: [Objective]
    public var components: [Component]
    public var modifiers: [Modifier]
    public var pool: Pool?
    /// The advocacy ledger's gaming checks (`gaming:`); nil when the plan has none.
    public var gaming: GamingChecks?
    /// The annual true-up (`true_up:`); nil when the plan has none.
    public var trueUp: TrueUp?
    /// The programme's economics (`economics:`); nil when the plan has none. Read by the
    /// economics report only: it never changes a payout.
    public var economics: Economics?
    /// Payroll earning code for the bonus (`earning_code`, default BONUS).
    public var earningCode: String = "BONUS"
    /// The plan file, as named on the command line.
    public var sourceFile: String
    /// Where each top-level key stands, for diagnostics raised later (period, pool).
    public var keyLocations: [String: SourceLocation]

    public init(id: String, version: String, title: String?, currency: Currency,
                fiscalYearStartMonth: Int, pays: Pays, rounding: RoundingMode,
                cap: FixedDecimal?, floor: FixedDecimal?, minActiveDays: Int,
                kpis: [KPI], curves: [String: Curve], objectives: [Objective],
                components: [Component], modifiers: [Modifier], pool: Pool?,
                sourceFile: String, keyLocations: [String: SourceLocation]) {
        self.id = id; self.version = version; self.title = title; self.currency = currency
        self.fiscalYearStartMonth = fiscalYearStartMonth; self.pays = pays; self.rounding = rounding
        self.cap = cap; self.floor = floor; self.minActiveDays = minActiveDays
        self.kpis = kpis; self.curves = curves; self.objectives = objectives
        self.components = components; self.modifiers = modifiers; self.pool = pool
        self.sourceFile = sourceFile; self.keyLocations = keyLocations
    }

    public func kpi(_ id: String) -> KPI? { kpis.first { $0.id == id } }

    /// The period kind this plan pays, for checking a requested period.
    public func accepts(_ period: Period) -> Bool {
        switch (pays, period.kind) {
        case (.quarter, .quarter), (.half, .half), (.year, .year): return true
        default: return false
        }
    }
}

public struct KPI: Sendable {
    public enum Better: String, Sendable, CaseIterable { case higher, lower }
    public enum Scope: String, Sendable, CaseIterable { case company, unit, payee }
    public enum Missing: String, Sendable, CaseIterable { case error, zero }

    public var id: String
    public var name: String?
    public var unit: String?
    public var better: Better
    public var scope: Scope
    public var target: FixedDecimal?
    /// Per-unit targets (calibration), by unit name.
    public var targets: [String: FixedDecimal]
    public var missing: Missing
    /// Derived KPI: evaluated per payee from other KPIs.
    public var formula: SourceExpression?
    /// Derived from the advocacy event ledger (SPEC section 6).
    public var fromEvents: EventDerivation?
    public var location: SourceLocation

    public init(id: String, name: String? = nil, unit: String? = nil, better: Better = .higher,
                scope: Scope = .company, target: FixedDecimal? = nil, targets: [String: FixedDecimal] = [:],
                missing: Missing = .error, formula: SourceExpression? = nil, location: SourceLocation) {
        self.id = id; self.name = name; self.unit = unit; self.better = better; self.scope = scope
        self.target = target; self.targets = targets; self.missing = missing; self.formula = formula
        self.location = location
    }

    public var hasTarget: Bool { target != nil || !targets.isEmpty }
    public var isDerived: Bool { formula != nil || fromEvents != nil }
}

public struct Curve: Sendable, Hashable {
    public enum Interpolation: String, Sendable, CaseIterable { case linear, step }
    public enum Above: String, Sendable, CaseIterable { case cap, extend }

    /// A name for messages: the curve's id, or "inline".
    public var name: String
    /// (attainment, factor), x strictly increasing.
    public var points: [Point]
    public var interpolate: Interpolation
    public var below: FixedDecimal
    public var above: Above

    public struct Point: Sendable, Hashable {
        public var x: FixedDecimal
        public var y: FixedDecimal
        public init(x: FixedDecimal, y: FixedDecimal) { self.x = x; self.y = y }
    }

    public init(name: String, points: [Point], interpolate: Interpolation = .linear,
                below: FixedDecimal = .zero, above: Above = .cap) {
        self.name = name; self.points = points; self.interpolate = interpolate
        self.below = below; self.above = above
    }
}

public struct Objective: Sendable {
    public var id: String
    public var objective: String?
    public var owners: [String]
    public var keyResults: [KeyResult]
    public var location: SourceLocation
    public init(id: String, objective: String?, owners: [String], keyResults: [KeyResult], location: SourceLocation) {
        self.id = id; self.objective = objective; self.owners = owners
        self.keyResults = keyResults; self.location = location
    }
}

public struct KeyResult: Sendable {
    public var id: String
    public var kpi: String
    public var start: FixedDecimal
    public var target: FixedDecimal
    public var weight: FixedDecimal
    public var max: FixedDecimal
    public init(id: String, kpi: String, start: FixedDecimal, target: FixedDecimal,
                weight: FixedDecimal, max: FixedDecimal) {
        self.id = id; self.kpi = kpi; self.start = start; self.target = target
        self.weight = weight; self.max = max
    }
}

public struct Measure: Sendable {
    public var kpi: String
    public var weight: FixedDecimal
    /// nil: the factor is the attainment itself.
    public var curve: Curve?
    public init(kpi: String, weight: FixedDecimal, curve: Curve?) {
        self.kpi = kpi; self.weight = weight; self.curve = curve
    }
}

public struct Component: Sendable {
    public enum Kind: Sendable {
        case measures([Measure])
        case okr(objective: String, curve: Curve?)
        case formula(SourceExpression)
    }
    public var id: String
    public var weight: FixedDecimal
    public var maxScore: FixedDecimal?
    public var kind: Kind
    public init(id: String, weight: FixedDecimal, maxScore: FixedDecimal?, kind: Kind) {
        self.id = id; self.weight = weight; self.maxScore = maxScore; self.kind = kind
    }
}

public struct Modifier: Sendable {
    public enum On: String, Sendable, CaseIterable { case value, attainment }

    public struct TableRow: Sendable {
        public var atLeast: FixedDecimal?
        public var atMost: FixedDecimal?
        public var factor: FixedDecimal
        public init(atLeast: FixedDecimal?, atMost: FixedDecimal?, factor: FixedDecimal) {
            self.atLeast = atLeast; self.atMost = atMost; self.factor = factor
        }
        public func matches(_ v: FixedDecimal) -> Bool {
            if let lo = atLeast, v < lo { return false }
            if let hi = atMost, v > hi { return false }
            return true
        }
    }

    public enum Kind: Sendable {
        case multiplier(when: SourceExpression, factor: FixedDecimal, otherwise: FixedDecimal)
        case gate(when: SourceExpression, otherwise: FixedDecimal)
        case accelerator(kpi: String, above: FixedDecimal, rate: FixedDecimal, maxExtra: FixedDecimal?)
        case table(kpi: String, on: On, rows: [TableRow], otherwise: FixedDecimal)

        public var typeName: String {
            switch self {
            case .multiplier: return "multiplier"
            case .gate: return "gate"
            case .accelerator: return "accelerator"
            case .table: return "table"
            }
        }
    }

    public var id: String
    public var kind: Kind
    /// nil means every component.
    public var appliesTo: [String]?
    public init(id: String, kind: Kind, appliesTo: [String]?) {
        self.id = id; self.kind = kind; self.appliesTo = appliesTo
    }

    public func applies(to component: String) -> Bool { appliesTo?.contains(component) ?? true }
}

public struct Pool: Sendable {
    public enum Source: Sendable {
        case amount(FixedDecimal)
        case formula(SourceExpression)
    }
    public var source: Source
    public var location: SourceLocation
    public init(source: Source, location: SourceLocation) {
        self.source = source; self.location = location
    }
}
