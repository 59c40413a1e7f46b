import AdvocompModel
import Yams

/// Reads a scenario file (README, "Simulation") with located errors, all at once.
///
/// ```yaml
/// scenario: base-case
/// kpis:
///   nrr: { distribution: normal, mean: 105%, sd: 3% }
///   review_velocity:
///     distribution: triangular
///     min: 20
///     mode: 40
///     max: 60
///     units:
///       smb: { distribution: uniform, min: 40, max: 80 }
/// correlation:
///   - { kpis: [nrr, review_velocity], rho: 0.5 }
/// ```
/// The plan is not known here: whether the KPIs and units exist is checked with it.
public enum ScenarioParser {
    static let distributionKeys: [String: [String]] = [
        "fixed": ["value"], "uniform": ["min", "max"], "triangular": ["min", "mode", "max"],
        "normal": ["mean", "sd"], "lognormal": ["mean", "sd"],
    ]

    /// Parses the bytes of `file`: when they are not UTF-8 text, or hold a NUL or a
    /// control character, each such place is an error and nothing is parsed.
    public static func parse(bytes: [UInt8], file: String) -> (scenario: Scenario?, diagnostics: [Diagnostic]) {
        let bad = TextEncoding.problems(bytes, file: file, syntax: .yaml, what: "a scenario")
        if !bad.isEmpty { return (nil, bad) }
        return parse(text: String(decoding: bytes, as: UTF8.self), file: file)
    }

    public static func parse(text: String, file: String) -> (scenario: Scenario?, diagnostics: [Diagnostic]) {
        let r = YAMLReader(file: file, what: "a scenario")
        guard let root = r.compose(text) else { return (nil, r.diagnostics) }
        guard let top = r.fields(root, "the scenario", allowed: ["scenario", "kpis", "correlation"]) else { return (nil, r.diagnostics) }
        var s = Scenario(file: file)
        s.name = top["scenario"].flatMap { r.string($0, "scenario") }
        if let n = top["kpis"] {
            if case .mapping(let m) = n {
                for (k, v) in m {
                    guard let id = r.string(k, "KPI id") else { continue }
                    guard let f = r.fields(v, "the draw of \(id)", allowed: ["distribution", "units"] + allParameterKeys) else { continue }
                    guard let d = distribution(r, v, f, what: id) else { continue }
                    var draw = Scenario.KPIDraw(kpi: id, distribution: d, location: r.location(k))
                    if let u = f["units"] {
                        if case .mapping(let um) = u {
                            for (uk, uv) in um {
                                guard let unit = r.string(uk, "unit name"),
                                      let uf = r.fields(uv, "the draw of \(id) for unit \(unit)", allowed: ["distribution"] + allParameterKeys),
                                      let ud = distribution(r, uv, uf, what: "\(id) for unit \(unit)") else { continue }
                                draw.units[unit] = ud
                                draw.unitLocations[unit] = r.location(uk)
                            }
                        } else {
                            r.error("units of \(id) must be a mapping of unit name to a distribution", u)
                        }
                    }
                    s.kpis.append(draw)
                }
            } else {
                r.error("kpis must be a mapping of KPI id to its distribution", n)
            }
        } else {
            r.error("the scenario has no 'kpis' (required): the distributions of the KPI actuals it varies", at: r.location(root))
        }
        if let n = top["correlation"] {
            if case .sequence(let items) = n {
                for item in items {
                    guard let f = r.fields(item, "a correlation", allowed: ["kpis", "rho"]) else { continue }
                    var pair: [String] = []
                    if let k = f["kpis"], let names = r.names(k, "kpis of a correlation") {
                        if names.count == 2, names[0] != names[1] { pair = names } else {
                            r.error("kpis of a correlation must name two different KPIs, such as [nrr, review_velocity]", k)
                        }
                    } else if f["kpis"] == nil {
                        r.error("a correlation needs 'kpis': the two KPIs it links", item)
                    }
                    var rho = FixedDecimal.zero
                    if let x = f["rho"], let v = r.number(x, "rho") {
                        if v < FixedDecimal(-1) || v > .one { r.error("rho must be from -1 to 1, found \(v)", x) } else { rho = v }
                    } else if f["rho"] == nil {
                        r.error("a correlation needs 'rho', from -1 to 1", item)
                    }
                    if pair.count == 2 { s.correlations.append(Scenario.Correlation(a: pair[0], b: pair[1], rho: rho, location: r.location(item))) }
                }
            } else {
                r.error("correlation must be a list of { kpis: [A, B], rho: R }", n)
            }
        }
        return (r.diagnostics.hasErrors ? nil : s, r.diagnostics)
    }

    static let allParameterKeys = ["value", "min", "max", "mode", "mean", "sd"]

    static func distribution(_ r: YAMLReader, _ node: Node, _ f: Fields, what: String) -> Scenario.Distribution? {
        guard let dn = f["distribution"] else {
            r.error("the draw of \(what) needs 'distribution': fixed, uniform, triangular, normal or lognormal", node)
            return nil
        }
        guard let kind = r.string(dn, "distribution") else { return nil }
        guard let keys = distributionKeys[kind] else {
            let kinds = ["fixed", "uniform", "triangular", "normal", "lognormal"]
            r.error("distribution must be one of \(kinds.joined(separator: ", ")); found '\(kind)'" + Suggest.didYouMean(kind, in: kinds), dn)
            return nil
        }
        var values: [String: FixedDecimal] = [:]
        var ok = true
        for key in allParameterKeys where f[key] != nil {
            guard let x = f[key] else { continue }
            if !keys.contains(key) {
                r.error("a \(kind) distribution takes \(keys.joined(separator: ", ")), not '\(key)'", x)
                ok = false
            } else if let v = r.number(x, "\(key) of \(what)") {
                values[key] = v
            } else {
                ok = false
            }
        }
        let missing = keys.filter { values[$0] == nil && f[$0] == nil }
        if !missing.isEmpty {
            r.error("a \(kind) distribution needs \(missing.joined(separator: " and "))", dn)
            return nil
        }
        guard ok else { return nil }
        func v(_ k: String) -> FixedDecimal { values[k] ?? .zero }
        switch kind {
        case "fixed": return .fixed(v("value"))
        case "uniform":
            guard v("min") <= v("max") else { r.error("min (\(v("min"))) is above max (\(v("max")))", dn); return nil }
            return .uniform(min: v("min"), max: v("max"))
        case "triangular":
            guard v("min") <= v("mode"), v("mode") <= v("max") else {
                r.error("a triangular distribution needs min <= mode <= max; found \(v("min")), \(v("mode")), \(v("max"))", dn); return nil
            }
            return .triangular(min: v("min"), mode: v("mode"), max: v("max"))
        case "normal":
            guard !v("sd").isNegative else { r.error("sd must not be negative", dn); return nil }
            return .normal(mean: v("mean"), sd: v("sd"))
        default:
            guard v("mean") > .zero, !v("sd").isNegative else { r.error("a lognormal distribution needs mean above 0 and sd not negative", dn); return nil }
            return .lognormal(mean: v("mean"), sd: v("sd"))
        }
    }
}
