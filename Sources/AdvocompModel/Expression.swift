/// The expression language of SPEC section 4, as a syntax tree.
///
/// `when:`, `formula:` and `pool.formula` are parsed into this by AdvocompParser,
/// type-checked there, and evaluated by the engine.
public indirect enum Expression: Hashable, Sendable {
    case number(FixedDecimal)
    case boolean(Bool)
    /// A KPI id alone: that KPI's actual for the payee.
    case kpi(String)
    case call(Function, [Expression])
    case negate(Expression)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression)

    public enum Function: String, Hashable, Sendable, CaseIterable {
        case min, max, clamp, abs, `if`, round, attainment, target
    }

    public enum BinaryOperator: String, Hashable, Sendable {
        case or, and
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case equal = "==", notEqual = "!="
        case plus = "+", minus = "-", times = "*", divide = "/"

        public var isComparison: Bool {
            switch self {
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return true
            default: return false
            }
        }
        public var isArithmetic: Bool {
            switch self {
            case .plus, .minus, .times, .divide: return true
            default: return false
            }
        }
    }

    /// Every KPI the expression reads (alone, or through `attainment`/`target`).
    public var referencedKPIs: Set<String> {
        var out = Set<String>()
        collect(into: &out)
        return out
    }

    private func collect(into out: inout Set<String>) {
        switch self {
        case .number, .boolean: break
        case .kpi(let k): out.insert(k)
        case .call(_, let args): for a in args { a.collect(into: &out) }
        case .negate(let e), .not(let e): e.collect(into: &out)
        case .binary(_, let a, let b): a.collect(into: &out); b.collect(into: &out)
        }
    }
}

/// The source text of an expression with where it stands, for messages.
public struct SourceExpression: Hashable, Sendable {
    public let text: String
    public let tree: Expression
    public let location: SourceLocation
    public init(text: String, tree: Expression, location: SourceLocation) {
        self.text = text
        self.tree = tree
        self.location = location
    }
}
