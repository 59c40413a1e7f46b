import AdvocompModel
import Yams

/// Reads a plan file (SPEC section 2) into a validated `Plan`.
///
/// Every problem becomes a located diagnostic and all of them are reported, not only
/// the first. A plan is returned only when there are no errors.
public enum PlanParser {
    static let topKeys = ["plan", "version", "title", "currency", "fiscal_year_start_month", "pays", "rounding",
                          "cap", "floor", "eligibility", "kpis", "curves", "okrs", "components", "modifiers",
                          "pool", "earning_code", "gaming", "true_up", "economics"]
    static let kpiKeys = ["name", "unit", "better", "scope", "target", "targets", "missing", "formula", "from_events"]
    static let kpiUnits = ["count", "money", "percent", "ratio", "months", "days", "score"]
    static let curveKeys = ["points", "interpolate", "below", "above"]
    static let componentKeys = ["id", "weight", "max_score", "measures", "okr", "curve", "formula"]
    static let measureKeys = ["kpi", "weight", "curve"]
    static let modifierKeys: [String: [String]] = [
        "multiplier": ["id", "type", "when", "factor", "otherwise", "applies_to"],
        "gate": ["id", "type", "when", "otherwise", "applies_to"],
        "accelerator": ["id", "type", "kpi", "above", "rate", "max_extra", "applies_to"],
        "table": ["id", "type", "kpi", "on", "rows", "otherwise", "applies_to"],
    ]
    static let tableRowKeys = ["at_least", "at_most", "factor"]

    /// Reads a file relative to the plan (an OKR set): the text, or a reason it cannot be read.
    public typealias FileLoader = (_ path: String) -> Result<String, FileLoadError>

    public struct FileLoadError: Error {
        public let reason: String
        /// The file was read, but has bytes that are not text: each one, located in it.
        public let diagnostics: [Diagnostic]
        public init(_ reason: String) {
            self.reason = reason
            diagnostics = []
        }
        public init(diagnostics: [Diagnostic]) {
            reason = "it holds bytes that are not text"
            self.diagnostics = diagnostics
        }
    }

    /// The text of an OKR set read from `path` for a `FileLoader`, or every NUL byte,
    /// invalid UTF-8 sequence and control character in it, located.
    public static func okrSetText(_ bytes: [UInt8], path: String) -> Result<String, FileLoadError> {
        let bad = TextEncoding.problems(bytes, file: path, syntax: .yaml, what: "an OKR set")
        return bad.isEmpty ? .success(String(decoding: bytes, as: UTF8.self)) : .failure(FileLoadError(diagnostics: bad))
    }

    /// Parses and validates the bytes of `file`: when they are not UTF-8 text, or hold a
    /// NUL or a control character, each such place is an error and nothing is parsed.
    public static func parse(bytes: [UInt8], file: String, loadFile: @escaping FileLoader) -> (plan: Plan?, diagnostics: [Diagnostic]) {
        let bad = TextEncoding.problems(bytes, file: file, syntax: .yaml, what: "a plan")
        if !bad.isEmpty { return (nil, bad) }
        return parse(text: String(decoding: bytes, as: UTF8.self), file: file, loadFile: loadFile)
    }

    /// Parses and validates `text` (the contents of `file`).
    public static func parse(text: String, file: String, loadFile: @escaping FileLoader) -> (plan: Plan?, diagnostics: [Diagnostic]) {
        let r = YAMLReader(file: file, what: "a plan")
        guard let root = r.compose(text) else { return (nil, r.diagnostics) }
        var builder = PlanBuilder(reader: r, file: file, loadFile: loadFile)
        let plan = builder.build(root)
        let diagnostics = r.diagnostics + builder.otherDiagnostics
        return (diagnostics.hasErrors ? nil : plan, diagnostics)
    }

    /// Joins a path relative to the directory of `file`.
    public static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}

/// Builds one plan; a struct so the steps below can share the reader and what is known.
struct PlanBuilder {
    let r: YAMLReader
    let file: String
    let loadFile: PlanParser.FileLoader
    /// Diagnostics from other files (the OKR set).
    var otherDiagnostics: [Diagnostic] = []
    /// Curves and KPI targets that had errors: already reported, so not reported again
    /// as "unknown curve" or "no target" wherever they are used.
    var brokenCurves = Set<String>()
    var brokenTargets = Set<String>()

    init(reader: YAMLReader, file: String, loadFile: @escaping PlanParser.FileLoader) {
        self.r = reader
        self.file = file
        self.loadFile = loadFile
    }

    mutating func build(_ root: Node) -> Plan? {
        guard let top = r.fields(root, "the plan", allowed: PlanParser.topKeys) else { return nil }
        var keyLocations: [String: SourceLocation] = [:]
        for p in top.pairs { keyLocations[p.key] = r.location(p.keyNode) }
        let rootAt = r.location(root)

        func required(_ key: String) -> Node? {
            if let n = top[key], !r.isNull(n) { return n }
            r.error("the plan has no '\(key)' (required)", at: keyLocations[key] ?? rootAt)
            return nil
        }

        var id = ""
        if let n = required("plan"), let s = r.string(n, "plan") {
            if isPlanID(s) { id = s } else {
                r.error("plan id '\(s)' must be lower-case letters, digits and '-', starting with a letter or digit", n)
            }
        }
        let version = required("version").flatMap { r.string($0, "version") } ?? ""
        let title = top["title"].flatMap { r.string($0, "title") }
        var currency = Currency.placeholder
        if let n = required("currency"), let code = r.string(n, "currency") {
            if let c = Currency(code: code) { currency = c } else {
                r.error("unknown currency '\(code)' (expected an ISO 4217 code such as USD, EUR, JPY)"
                        + Suggest.didYouMean(code, in: Currency.allCodes), n)
            }
        }
        let fyStart = top["fiscal_year_start_month"].flatMap { r.integer($0, "fiscal_year_start_month", range: 1...12) } ?? 1
        let pays = top["pays"].flatMap { r.choice($0, "pays", Plan.Pays.self) } ?? .quarter
        var rounding = RoundingMode.halfEven
        if let n = top["rounding"], let s = r.string(n, "rounding") {
            if s == "half-even" || s == "half-up" { rounding = s == "half-up" ? .halfUp : .halfEven } else {
                r.error("rounding must be half-even or half-up; found '\(s)'" + Suggest.didYouMean(s, in: ["half-even", "half-up"]), n)
            }
        }
        let cap = top["cap"].flatMap { r.nonNegative($0, "cap") }
        let floor = top["floor"].flatMap { r.nonNegative($0, "floor") }
        if let cap, let floor, floor > cap, let n = top["floor"] {
            r.error("floor (\(floor.percentString())) is above cap (\(cap.percentString()))", n)
        }
        var minActiveDays = 1
        if let n = top["eligibility"], let f = r.fields(n, "eligibility", allowed: ["min_active_days"]) {
            if let d = f["min_active_days"], let v = r.integer(d, "min_active_days", range: 0...366) { minActiveDays = v }
        }
        let gaming = top["gaming"].flatMap { parseGaming($0) }

        let kpis = required("kpis").map { parseKPIs($0) } ?? []
        let kpiTargets = Dictionary(kpis.map { ($0.id, $0.hasTarget || brokenTargets.contains($0.id)) }, uniquingKeysWith: { a, _ in a })
        checkFormulas(kpis, kpiTargets)

        var curves: [String: Curve] = [:]
        if let n = top["curves"] {
            if case .mapping(let m) = n {
                for (k, v) in m {
                    guard let name = r.string(k, "curve id") else { continue }
                    // A curve with errors is still "known", so its users are not reported too.
                    if let c = parseCurve(v, name: name) { curves[name] = c } else { brokenCurves.insert(name) }
                }
            } else {
                r.error("curves must be a mapping of curve id to curve", n)
            }
        }

        var objectives: [Objective] = []
        if let n = top["okrs"] { objectives = parseOKRs(n) }

        let components = required("components").map { parseComponents($0, kpis: kpiTargets, curves: curves, objectives: objectives) } ?? []
        let componentIDs = components.map(\.id)
        let modifiers = top["modifiers"].map { parseModifiers($0, kpis: kpiTargets, components: componentIDs) } ?? []

        var pool: Pool?
        if let n = top["pool"], let f = r.fields(n, "pool", allowed: ["amount", "formula"]) {
            let at = r.location(n)
            if let a = f["amount"], f["formula"] != nil {
                r.error("pool takes 'amount' or 'formula', not both", a)
            } else if let a = f["amount"] {
                if let v = r.nonNegative(a, "pool amount") { pool = Pool(source: .amount(v), location: r.location(a)) }
            } else if let e = f["formula"] {
                if let expr = r.expression(e, "pool formula") {
                    // The pool is evaluated once, at company scope.
                    var checker = ExpressionChecker(kpis: kpiTargets)
                    checker.check(expr.tree, expecting: .number)
                    for p in checker.problems { r.error("pool formula '\(expr.text)': \(p)", at: expr.location) }
                    for k in expr.tree.referencedKPIs {
                        if let kpi = kpis.first(where: { $0.id == k }), kpi.scope != .company, kpi.formula == nil {
                            r.error("pool formula '\(expr.text)' reads KPI '\(k)', which has \(kpi.scope.rawValue) scope; the pool is computed at company scope", at: expr.location)
                        }
                    }
                    pool = Pool(source: .formula(expr), location: expr.location)
                }
            } else {
                r.error("pool needs 'amount' or 'formula'", at: at)
            }
        }

        var earningCode = "BONUS"
        if let n = top["earning_code"], let code = r.string(n, "earning_code") {
            if code.isEmpty || code.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 < 32 }) {
                r.error("earning_code must be a payroll code without commas, quotes or control characters", n)
            } else {
                earningCode = code
            }
        }

        var plan = Plan(id: id, version: version, title: title, currency: currency, fiscalYearStartMonth: fyStart,
                    pays: pays, rounding: rounding, cap: cap, floor: floor, minActiveDays: minActiveDays,
                    kpis: kpis, curves: curves, objectives: objectives, components: components,
                    modifiers: modifiers, pool: pool, sourceFile: file, keyLocations: keyLocations)
        plan.earningCode = earningCode
        plan.gaming = gaming
        if let n = top["true_up"] { plan.trueUp = parseTrueUp(n, kpis: kpis, pays: pays) }
        if let n = top["economics"] { plan.economics = parseEconomics(n, components: components) }
        return plan
    }

    func isPlanID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let f = u.first, (f >= 97 && f <= 122) || (f >= 48 && f <= 57) else { return false }
        return u.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    func isIdentifier(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let f = u.first, (f >= 97 && f <= 122) || (f >= 65 && f <= 90) || f == 95 else { return false }
        let ok = u.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        return ok && !["and", "or", "not", "true", "false"].contains(s)
    }

    // MARK: KPIs

    mutating func parseKPIs(_ node: Node) -> [KPI] {
        guard case .mapping(let m) = node else {
            r.error("kpis must be a mapping of KPI id to its definition", node)
            return []
        }
        var out: [KPI] = []
        for (k, v) in m {
            guard let id = r.string(k, "KPI id") else { continue }
            if !isIdentifier(id) {
                r.error("KPI id '\(id)' must be letters, digits and '_' (starting with a letter), and not a keyword, so formulas can name it", k)
            }
            guard let f = r.fields(v, "KPI '\(id)'", allowed: PlanParser.kpiKeys) else { continue }
            var kpi = KPI(id: id, location: r.location(k))
            if let n = f["name"] { kpi.name = r.string(n, "name") }
            if let n = f["unit"], let u = r.string(n, "unit") {
                if PlanParser.kpiUnits.contains(u) { kpi.unit = u } else {
                    r.error("unit must be one of \(PlanParser.kpiUnits.joined(separator: ", ")); found '\(u)'"
                            + Suggest.didYouMean(u, in: PlanParser.kpiUnits), n)
                }
            }
            if let n = f["better"], let b = r.choice(n, "better", KPI.Better.self) { kpi.better = b }
            if let n = f["scope"], let s = r.choice(n, "scope", KPI.Scope.self) { kpi.scope = s }
            if let n = f["missing"], let s = r.choice(n, "missing", KPI.Missing.self) { kpi.missing = s }
            if let n = f["target"] {
                if let t = r.number(n, "target of \(id)"), checkTarget(t, kpi.better, n, id) { kpi.target = t } else { brokenTargets.insert(id) }
            }
            if let n = f["targets"] {
                if case .mapping(let tm) = n {
                    for (uk, uv) in tm {
                        guard let unit = r.string(uk, "unit name"), let t = r.number(uv, "target of \(id) for \(unit)") else {
                            brokenTargets.insert(id)
                            continue
                        }
                        if checkTarget(t, kpi.better, uv, id) { kpi.targets[unit] = t } else { brokenTargets.insert(id) }
                    }
                } else {
                    r.error("targets must be a mapping of unit name to target, such as { enterprise: 25, smb: 60 }", n)
                }
            }
            if let n = f["formula"] { kpi.formula = r.expression(n, "formula of \(id)") }
            if let n = f["from_events"] {
                kpi.fromEvents = parseFromEvents(n, kpi: id)
                if let formula = f["formula"] {
                    r.error("KPI '\(id)' has both 'formula' and 'from_events': it is derived one way or the other", n,
                            notes: [.init("formula given here", at: r.location(formula))])
                }
            }
            out.append(kpi)
        }
        return out
    }

    func checkTarget(_ t: FixedDecimal, _ better: KPI.Better, _ node: Node, _ id: String) -> Bool {
        if better == .higher && t.signum <= 0 {
            r.error("target of \(id) must be positive for a higher-is-better KPI (found \(t))", node)
            return false
        }
        if t.isZero {
            r.error("target of \(id) must not be zero (attainment divides by it)", node)
            return false
        }
        return true
    }

    /// Formula KPIs: types, references and cycles.
    func checkFormulas(_ kpis: [KPI], _ targets: [String: Bool]) {
        var deps: [String: Set<String>] = [:]
        for k in kpis {
            guard let f = k.formula else { continue }
            var checker = ExpressionChecker(kpis: targets)
            checker.check(f.tree, expecting: .number)
            for p in checker.problems { r.error("formula of \(k.id) '\(f.text)': \(p)", at: f.location) }
            deps[k.id] = f.tree.referencedKPIs
        }
        // Depth-first search for a cycle through formula KPIs.
        var state: [String: Int] = [:]  // 1 = on stack, 2 = done
        var reported = Set<String>()
        func visit(_ id: String, _ path: [String]) {
            if state[id] == 2 { return }
            if state[id] == 1 {
                let cycle = Array(path[(path.firstIndex(of: id) ?? 0)...]) + [id]
                if !reported.contains(id), let k = kpis.first(where: { $0.id == id }), let f = k.formula {
                    reported.formUnion(cycle)
                    r.error("formula cycle: \(cycle.joined(separator: " -> "))", at: f.location)
                }
                return
            }
            state[id] = 1
            for d in deps[id, default: []].sorted() where deps[d] != nil { visit(d, path + [id]) }
            state[id] = 2
        }
        for k in kpis where k.formula != nil { visit(k.id, []) }
    }

    // MARK: Curves

    func parseCurve(_ node: Node, name: String) -> Curve? {
        guard let f = r.fields(node, "curve '\(name)'", allowed: PlanParser.curveKeys) else { return nil }
        var curve = Curve(name: name, points: [])
        var ok = true
        if let n = f["points"], let items = r.sequence(n, "points") {
            if items.isEmpty { r.error("a curve needs at least one point", n); ok = false }
            for item in items {
                guard case .sequence(let pair) = item, pair.count == 2 else {
                    r.error("each point must be [attainment, factor], such as [100%, 100%]", item)
                    ok = false
                    continue
                }
                guard let x = r.number(pair[0], "point attainment"), let y = r.number(pair[1], "point factor") else { ok = false; continue }
                if y.isNegative { r.error("curve factor must not be negative (found \(y))", pair[1]); ok = false }
                if let last = curve.points.last, x <= last.x {
                    r.error("curve x values must be strictly increasing: \(x) follows \(last.x)", pair[0]); ok = false
                }
                curve.points.append(.init(x: x, y: y))
            }
        } else if f["points"] == nil {
            r.error("curve '\(name)' has no 'points'", node); ok = false
        } else { ok = false }
        if let n = f["interpolate"], let v = r.choice(n, "interpolate", Curve.Interpolation.self) { curve.interpolate = v }
        if let n = f["below"], let v = r.nonNegative(n, "below") { curve.below = v }
        if let n = f["above"], let v = r.choice(n, "above", Curve.Above.self) { curve.above = v }
        if curve.above == .extend, curve.points.count >= 2, curve.interpolate == .linear {
            let a = curve.points[curve.points.count - 2], b = curve.points[curve.points.count - 1]
            if b.y < a.y, let n = f["above"] {
                r.error("above: extend continues a falling last segment, which would reach negative factors", n); ok = false
            }
        }
        return ok ? curve : nil
    }

    /// A curve named by id, or written inline.
    func curveReference(_ node: Node, curves: [String: Curve], context: String) -> Curve? {
        if case .scalar = node, let name = r.string(node, "curve") {
            if let c = curves[name] { return c }
            if brokenCurves.contains(name) { return nil }
            r.error("unknown curve '\(name)' in \(context)" + Suggest.didYouMean(name, in: curves.keys.sorted()), node)
            return nil
        }
        return parseCurve(node, name: "inline")
    }

    // MARK: OKRs

    mutating func parseOKRs(_ node: Node) -> [Objective] {
        if case .scalar = node, let path = r.string(node, "okrs") {
            let full = PlanParser.resolve(path, relativeTo: file)
            switch loadFile(full) {
            case .failure(let e):
                if e.diagnostics.isEmpty {
                    r.error("cannot read OKR set '\(path)': \(e.reason)", node)
                } else {
                    otherDiagnostics += e.diagnostics
                }
                return []
            case .success(let text):
                let (objectives, diagnostics) = OKRSetFile.read(text: text, file: full)
                otherDiagnostics += diagnostics
                return objectives
            }
        }
        return OKRReader(r: r).objectives(node)
    }

    // MARK: Components

    func checkWeights(_ weights: [FixedDecimal], _ node: Node, _ what: String) {
        var sum = FixedDecimal.zero
        for w in weights {
            do { sum = try sum + w } catch {
                r.error("\(what) weights sum to more than the largest number advocomp can hold, not 100%", node)
                return
            }
        }
        if sum != .one {
            r.error("\(what) weights sum to \(sum.percentString(maxPlaces: 16)), not 100%", node)
        }
    }

    func parseWeight(_ node: Node?, _ what: String, at owner: Node) -> FixedDecimal? {
        guard let node else { r.error("\(what) has no 'weight'", owner); return nil }
        return r.nonNegative(node, "weight")
    }

    func requireKPI(_ id: String, _ node: Node, _ kpis: [String: Bool], needsTarget: Bool, _ context: String) {
        guard let hasTarget = kpis[id] else {
            r.error("unknown KPI '\(id)' in \(context)" + Suggest.didYouMean(id, in: kpis.keys.sorted()), node)
            return
        }
        if needsTarget && !hasTarget {
            r.error("KPI '\(id)' has no target, and \(context) needs its attainment", node)
        }
    }

    func parseComponents(_ node: Node, kpis: [String: Bool], curves: [String: Curve], objectives: [Objective]) -> [Component] {
        guard let items = r.sequence(node, "components") else { return [] }
        var out: [Component] = []
        var weights: [FixedDecimal] = []
        var seen: [String: Node] = [:]
        for item in items {
            guard let f = r.fields(item, "component", allowed: PlanParser.componentKeys) else { continue }
            guard let (id, idNode) = r.itemID(f, item, "component", seen: &seen) else { continue }
            let weight = parseWeight(f["weight"], "component '\(id)'", at: item)
            if let weight { weights.append(weight) }
            let maxScore = f["max_score"].flatMap { r.nonNegative($0, "max_score") }
            let kinds = ["measures", "okr", "formula"].filter { f.has($0) }
            if kinds.count != 1 {
                r.error("component '\(id)' needs exactly one of measures, okr or formula"
                        + (kinds.isEmpty ? "" : " (found \(kinds.joined(separator: " and ")))"), idNode)
                continue
            }
            if f.has("curve") && kinds[0] != "okr", let c = f.keyNode("curve") {
                r.error("'curve' on a component goes with 'okr'; put curves on each measure instead", c)
            }
            var kind: Component.Kind?
            switch kinds[0] {
            case "measures":
                guard let list = f["measures"], let ms = r.sequence(list, "measures") else { continue }
                var measures: [Measure] = []
                var mw: [FixedDecimal] = []
                for m in ms {
                    guard let mf = r.fields(m, "measure", allowed: PlanParser.measureKeys) else { continue }
                    guard let kn = mf["kpi"], let k = r.string(kn, "kpi") else {
                        if mf["kpi"] == nil { r.error("measure has no 'kpi'", m) }
                        continue
                    }
                    requireKPI(k, kn, kpis, needsTarget: true, "component '\(id)'")
                    let w = parseWeight(mf["weight"], "measure '\(k)'", at: m)
                    if let w { mw.append(w) }
                    let curve = mf["curve"].flatMap { curveReference($0, curves: curves, context: "measure '\(k)'") }
                    measures.append(Measure(kpi: k, weight: w ?? .zero, curve: curve))
                }
                if measures.isEmpty { r.error("component '\(id)' has no measures", list) }
                else if mw.count == measures.count { checkWeights(mw, list, "measure") }
                kind = .measures(measures)
            case "okr":
                guard let on = f["okr"], let oid = r.string(on, "okr") else { continue }
                if let o = objectives.first(where: { $0.id == oid }) {
                    for kr in o.keyResults where kpis[kr.kpi] == nil {
                        r.error("key result '\(kr.id)' of objective '\(oid)' names KPI '\(kr.kpi)', which this plan does not define"
                                + Suggest.didYouMean(kr.kpi, in: kpis.keys.sorted()), on,
                                notes: [.init("objective defined here", at: o.location)])
                    }
                } else {
                    r.error("unknown objective '\(oid)'" + Suggest.didYouMean(oid, in: objectives.map(\.id))
                            + (objectives.isEmpty ? " (the plan has no 'okrs')" : ""), on)
                }
                let curve = f["curve"].flatMap { curveReference($0, curves: curves, context: "component '\(id)'") }
                kind = .okr(objective: oid, curve: curve)
            default:
                guard let fn = f["formula"], let expr = r.expression(fn, "formula of component '\(id)'") else { continue }
                var checker = ExpressionChecker(kpis: kpis)
                checker.check(expr.tree, expecting: .number)
                for p in checker.problems { r.error("formula of component '\(id)' '\(expr.text)': \(p)", at: expr.location) }
                kind = .formula(expr)
            }
            if let kind, let weight { out.append(Component(id: id, weight: weight, maxScore: maxScore, kind: kind)) }
        }
        if items.isEmpty { r.error("the plan has no components", node) }
        else if weights.count == items.count { checkWeights(weights, node, "component") }
        return out
    }

    // MARK: Modifiers

    func parseModifiers(_ node: Node, kpis: [String: Bool], components: [String]) -> [Modifier] {
        guard let items = r.sequence(node, "modifiers") else { return [] }
        var out: [Modifier] = []
        var seen: [String: Node] = [:]
        for item in items {
            guard case .mapping(let m) = item else { r.error("each modifier must be a mapping", item); continue }
            guard let typeNode = m["type"], let type = r.string(typeNode, "modifier type") else {
                r.error("modifier has no 'type' (multiplier, gate, accelerator or table)", item)
                continue
            }
            guard let allowed = PlanParser.modifierKeys[type] else {
                r.error("unknown modifier type '\(type)'" + Suggest.didYouMean(type, in: PlanParser.modifierKeys.keys.sorted())
                        + " (multiplier, gate, accelerator or table)", typeNode)
                continue
            }
            guard let f = r.fields(item, "\(type) modifier", allowed: allowed) else { continue }
            guard let (id, idNode) = r.itemID(f, item, "modifier", seen: &seen) else { continue }
            var appliesTo: [String]?
            if let n = f["applies_to"] {
                if case .scalar(let s) = n, s.string == "all" { appliesTo = nil } else if let list = r.names(n, "applies_to") {
                    for c in list where !components.contains(c) {
                        r.error("applies_to names unknown component '\(c)'" + Suggest.didYouMean(c, in: components), n)
                    }
                    appliesTo = list
                }
            }
            func condition() -> SourceExpression? {
                guard let w = f["when"] else { r.error("\(type) '\(id)' has no 'when' condition", idNode); return nil }
                guard let e = r.expression(w, "when") else { return nil }
                var checker = ExpressionChecker(kpis: kpis)
                checker.check(e.tree, expecting: .boolean)
                for p in checker.problems { r.error("when '\(e.text)': \(p)", at: e.location) }
                return e
            }
            func kpi(needsTarget: Bool) -> String? {
                guard let n = f["kpi"] else { r.error("\(type) '\(id)' has no 'kpi'", idNode); return nil }
                guard let k = r.string(n, "kpi") else { return nil }
                requireKPI(k, n, kpis, needsTarget: needsTarget, "\(type) '\(id)'")
                return k
            }
            func factor(_ key: String, default d: FixedDecimal) -> FixedDecimal? {
                guard let n = f[key] else { return d }
                return r.nonNegative(n, key)
            }
            var kind: Modifier.Kind?
            switch type {
            case "multiplier":
                // Every field is checked before combining, so all problems are reported.
                let when = condition()
                if f["factor"] == nil { r.error("multiplier '\(id)' has no 'factor'", idNode) }
                let fac = f["factor"].flatMap { r.nonNegative($0, "factor") }
                let other = factor("otherwise", default: .one)
                if let when, let fac, let other {
                    kind = .multiplier(when: when, factor: fac, otherwise: other)
                }
            case "gate":
                let when = condition()
                let other = factor("otherwise", default: .zero)
                if let when, let other {
                    kind = .gate(when: when, otherwise: other)
                }
            case "accelerator":
                let k = kpi(needsTarget: true)
                let above = f["above"].flatMap { r.number($0, "above") } ?? (f["above"] == nil ? FixedDecimal.one : nil)
                if f["rate"] == nil { r.error("accelerator '\(id)' has no 'rate'", idNode) }
                let rate = f["rate"].flatMap { r.nonNegative($0, "rate") }
                let maxExtra = f["max_extra"].flatMap { r.nonNegative($0, "max_extra") }
                if let k, let above, let rate, f["max_extra"] == nil || maxExtra != nil {
                    kind = .accelerator(kpi: k, above: above, rate: rate, maxExtra: maxExtra)
                }
            default:  // table
                let on = f["on"].flatMap { r.choice($0, "on", Modifier.On.self) } ?? (f["on"] == nil ? .value : nil)
                let k = kpi(needsTarget: on == .attainment)
                var rows: [Modifier.TableRow] = []
                var rowsOK = true
                if let rn = f["rows"], let list = r.sequence(rn, "rows") {
                    if list.isEmpty { r.error("table '\(id)' has no rows", rn) }
                    for row in list {
                        guard let rf = r.fields(row, "table row", allowed: PlanParser.tableRowKeys) else { rowsOK = false; continue }
                        let lo = rf["at_least"].flatMap { r.number($0, "at_least") }
                        let hi = rf["at_most"].flatMap { r.number($0, "at_most") }
                        if !rf.has("at_least") && !rf.has("at_most") {
                            r.error("a table row needs 'at_least' or 'at_most'", row); rowsOK = false
                        }
                        if let lo, let hi, lo > hi { r.error("at_least \(lo) is above at_most \(hi): the row never matches", row) }
                        guard let fac = rf["factor"].flatMap({ r.nonNegative($0, "factor") }) else {
                            if !rf.has("factor") { r.error("a table row needs a 'factor'", row) }
                            rowsOK = false
                            continue
                        }
                        rows.append(.init(atLeast: lo, atMost: hi, factor: fac))
                    }
                } else if f["rows"] == nil {
                    r.error("table '\(id)' has no 'rows'", idNode); rowsOK = false
                }
                let other = factor("otherwise", default: .one)
                if let on, let k, rowsOK, let other {
                    kind = .table(kpi: k, on: on, rows: rows, otherwise: other)
                }
            }
            if let kind { out.append(Modifier(id: id, kind: kind, appliesTo: appliesTo)) }
        }
        return out
    }
}
