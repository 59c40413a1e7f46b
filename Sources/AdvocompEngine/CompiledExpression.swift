import AdvocompModel

/// An expression with KPI names resolved to indices, so evaluation does no string work.
indirect enum CompiledExpression {
    case number(FixedDecimal)
    case boolean(Bool)
    case actual(Int)
    case attainment(Int)
    case target(Int)
    case call(Expression.Function, [CompiledExpression])
    case round(CompiledExpression, Int)
    case negate(CompiledExpression)
    case not(CompiledExpression)
    case binary(Expression.BinaryOperator, CompiledExpression, CompiledExpression)

    enum Value {
        case number(FixedDecimal)
        case boolean(Bool)

        var number: FixedDecimal {
            if case .number(let v) = self { return v }
            return .zero  // unreachable: types are checked when the plan is validated
        }
        var boolean: Bool {
            if case .boolean(let b) = self { return b }
            return false
        }
    }

    struct UnknownKPI: Error { let id: String }

    init(_ e: Expression, index: [String: Int]) throws {
        func kpi(_ id: String) throws -> Int {
            guard let i = index[id] else { throw UnknownKPI(id: id) }
            return i
        }
        switch e {
        case .number(let v): self = .number(v)
        case .boolean(let b): self = .boolean(b)
        case .kpi(let k): self = .actual(try kpi(k))
        case .negate(let x): self = .negate(try CompiledExpression(x, index: index))
        case .not(let x): self = .not(try CompiledExpression(x, index: index))
        case .binary(let op, let a, let b):
            self = .binary(op, try CompiledExpression(a, index: index), try CompiledExpression(b, index: index))
        case .call(let f, let args):
            switch f {
            case .attainment, .target:
                guard case .kpi(let k)? = args.first else { throw UnknownKPI(id: "?") }
                self = f == .attainment ? .attainment(try kpi(k)) : .target(try kpi(k))
            case .round:
                guard args.count == 2, case .number(let p) = args[1], let places = p.exactInt else { throw UnknownKPI(id: "?") }
                self = .round(try CompiledExpression(args[0], index: index), places)
            default:
                self = .call(f, try args.map { try CompiledExpression($0, index: index) })
            }
        }
    }
}
