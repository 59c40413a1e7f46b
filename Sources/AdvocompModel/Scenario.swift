/// A simulation scenario (`advocomp simulate --scenario FILE`): distributions for KPI
/// actuals, and correlations between KPIs. See README, "Simulation".
public struct Scenario: Sendable {
    public enum Distribution: Sendable, Equatable {
        case fixed(FixedDecimal)
        case uniform(min: FixedDecimal, max: FixedDecimal)
        case triangular(min: FixedDecimal, mode: FixedDecimal, max: FixedDecimal)
        /// Parameters of the value itself (not of its logarithm, for lognormal).
        case normal(mean: FixedDecimal, sd: FixedDecimal)
        case lognormal(mean: FixedDecimal, sd: FixedDecimal)

        public var name: String {
            switch self {
            case .fixed: return "fixed"
            case .uniform: return "uniform"
            case .triangular: return "triangular"
            case .normal: return "normal"
            case .lognormal: return "lognormal"
            }
        }
    }

    /// How one KPI's actual is drawn: at every instance of the KPI's scope (the company,
    /// each unit, each payee), independently, from `distribution`; a unit listed in
    /// `units` uses its own.
    public struct KPIDraw: Sendable {
        public var kpi: String
        public var distribution: Distribution
        public var units: [String: Distribution]
        public var location: SourceLocation
        public var unitLocations: [String: SourceLocation]
        public init(kpi: String, distribution: Distribution, units: [String: Distribution] = [:],
                    location: SourceLocation, unitLocations: [String: SourceLocation] = [:]) {
            self.kpi = kpi; self.distribution = distribution; self.units = units
            self.location = location; self.unitLocations = unitLocations
        }
    }

    /// Correlation `rho` between two KPIs' draws (a Gaussian copula).
    public struct Correlation: Sendable {
        public var a: String
        public var b: String
        public var rho: FixedDecimal
        public var location: SourceLocation
        public init(a: String, b: String, rho: FixedDecimal, location: SourceLocation) {
            self.a = a; self.b = b; self.rho = rho; self.location = location
        }
    }

    public var file: String
    public var name: String?
    public var kpis: [KPIDraw]
    public var correlations: [Correlation]
    public init(file: String, name: String? = nil, kpis: [KPIDraw] = [], correlations: [Correlation] = []) {
        self.file = file; self.name = name; self.kpis = kpis; self.correlations = correlations
    }
}
