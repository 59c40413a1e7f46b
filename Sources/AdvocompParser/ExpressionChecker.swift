import AdvocompModel

/// Type-checks an expression against a plan's KPIs (SPEC section 4): numbers and
/// booleans must meet where the grammar expects them, KPIs must exist, `attainment`
/// and `target` need a KPI with a target.
public struct ExpressionChecker {
    public enum ValueType: String { case number, boolean }

    /// KPI id -> whether it has a target.
    let kpis: [String: Bool]
    public private(set) var problems: [String] = []

    public init(kpis: [String: Bool]) { self.kpis = kpis }

    /// Checks `e`, expecting `expected`; problems accumulate in `problems`.
    public mutating func check(_ e: Expression, expecting expected: ValueType) {
        if let t = type(of: e), t != expected {
            problems.append("expected a \(expected) expression, but this is a \(t)"
                            + (expected == .boolean ? " (add a comparison such as '>= 100%')" : ""))
        }
    }

    /// The type of `e`, or nil when a problem was already reported inside it.
    mutating func type(of e: Expression) -> ValueType? {
        switch e {
        case .number: return .number
        case .boolean: return .boolean
        case .kpi(let k):
            if kpis[k] == nil {
                problems.append("unknown KPI '\(k)'" + Suggest.didYouMean(k, in: kpis.keys.sorted()))
                return nil
            }
            return .number
        case .negate(let x):
            return require(x, .number, "'-'") ? .number : nil
        case .not(let x):
            return require(x, .boolean, "'not'") ? .boolean : nil
        case .binary(let op, let a, let b):
            switch op {
            case .and, .or:
                let okA = require(a, .boolean, "'\(op.rawValue)'")
                let ok = require(b, .boolean, "'\(op.rawValue)'") && okA
                return ok ? .boolean : nil
            case .equal, .notEqual:
                let ta = type(of: a), tb = type(of: b)
                guard let ta, let tb else { return nil }
                if ta != tb { problems.append("'\(op.rawValue)' compares a \(ta) with a \(tb)"); return nil }
                return .boolean
            case .less, .lessEqual, .greater, .greaterEqual:
                let okA = require(a, .number, "'\(op.rawValue)'")
                let ok = require(b, .number, "'\(op.rawValue)'") && okA
                return ok ? .boolean : nil
            case .plus, .minus, .times, .divide:
                let okA = require(a, .number, "'\(op.rawValue)'")
                let ok = require(b, .number, "'\(op.rawValue)'") && okA
                return ok ? .number : nil
            }
        case .call(let f, let args):
            return call(f, args)
        }
    }

    private mutating func call(_ f: Expression.Function, _ args: [Expression]) -> ValueType? {
        func arity(_ n: Int) -> Bool {
            if args.count == n { return true }
            problems.append("\(f.rawValue)() takes \(n) argument\(n == 1 ? "" : "s"), found \(args.count)")
            return false
        }
        switch f {
        case .min, .max:
            if args.isEmpty { problems.append("\(f.rawValue)() needs at least one argument"); return nil }
            var ok = true
            for a in args { ok = require(a, .number, "\(f.rawValue)()") && ok }
            return ok ? .number : nil
        case .clamp:
            guard arity(3) else { return nil }
            var ok = true
            for a in args { ok = require(a, .number, "clamp()") && ok }
            return ok ? .number : nil
        case .abs:
            guard arity(1) else { return nil }
            return require(args[0], .number, "abs()") ? .number : nil
        case .if:
            guard arity(3) else { return nil }
            let c = require(args[0], .boolean, "the condition of if()")
            let ta = type(of: args[1]), tb = type(of: args[2])
            guard c, let ta, let tb else { return nil }
            if ta != tb { problems.append("if() returns a \(ta) in one branch and a \(tb) in the other"); return nil }
            return ta
        case .round:
            guard arity(2) else { return nil }
            let ok = require(args[0], .number, "round()")
            guard case .number(let places) = args[1], let n = places.exactInt, (0...FixedDecimal.scale).contains(n) else {
                problems.append("round()'s second argument must be a whole number of places from 0 to \(FixedDecimal.scale)")
                return nil
            }
            return ok ? .number : nil
        case .attainment, .target:
            guard arity(1) else { return nil }
            guard case .kpi(let k) = args[0] else {
                problems.append("\(f.rawValue)() takes a KPI id, such as \(f.rawValue)(nrr)")
                return nil
            }
            guard let hasTarget = kpis[k] else {
                problems.append("unknown KPI '\(k)'" + Suggest.didYouMean(k, in: kpis.keys.sorted()))
                return nil
            }
            if !hasTarget { problems.append("\(f.rawValue)(\(k)) needs a target, and KPI '\(k)' has none"); return nil }
            return .number
        }
    }

    private mutating func require(_ e: Expression, _ t: ValueType, _ context: String) -> Bool {
        guard let actual = type(of: e) else { return false }
        if actual != t {
            problems.append("\(context) expects a \(t), found a \(actual)")
            return false
        }
        return true
    }
}
