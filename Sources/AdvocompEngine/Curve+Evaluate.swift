import AdvocompModel

extension Curve {
    /// The curve's factor at attainment `x` (SPEC section 5 step 4).
    public func value(at x: FixedDecimal) throws -> FixedDecimal {
        guard let first = points.first else { return below }
        if x < first.x { return below }
        let last = points[points.count - 1]
        switch interpolate {
        case .step:
            // The factor of the last point whose x <= attainment; `extend` acts as `cap`.
            var y = first.y
            for p in points where p.x <= x { y = p.y }
            return y
        case .linear:
            if x >= last.x {
                guard above == .extend, points.count >= 2 else { return last.y }
                let a = points[points.count - 2]
                return try Curve.line(a, last, x)
            }
            var i = 0
            while i + 1 < points.count && points[i + 1].x <= x { i += 1 }
            if points[i].x == x { return points[i].y }
            return try Curve.line(points[i], points[i + 1], x)
        }
    }

    /// The straight line through a and b at x; multiplies before dividing to keep digits.
    static func line(_ a: Point, _ b: Point, _ x: FixedDecimal) throws -> FixedDecimal {
        try a.y + (try (x - a.x) * (b.y - a.y)) / (b.x - a.x)
    }
}
