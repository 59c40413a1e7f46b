/// 256-bit intermediate arithmetic behind `FixedDecimal`'s `*` and `/`.
///
/// Works on unsigned 64-bit limbs with the hardware's 128/64 division, so a product
/// or quotient of two 18-digit fixed-point values costs a handful of instructions
/// instead of a bignum allocation. Results are rounded half-even.
@usableFromInline
enum WideArithmetic {
    @usableFromInline static let unit: UInt64 = FixedDecimal.unit

    /// `(a * b) / 10^18`, rounded half-even; nil when the result needs more than 128 bits.
    @usableFromInline
    static func multiplyThenDivideByUnit(_ a: UInt128, _ b: UInt128) -> UInt128? {
        let (p3, p2, p1, p0) = multiply(a, b)
        return divide4(p3, p2, p1, p0, by: unit)
    }

    /// `(a * 10^18) / b`, rounded half-even; nil when the result needs more than 128 bits.
    @usableFromInline
    static func multiplyByUnitThenDivide(_ a: UInt128, _ b: UInt128) -> UInt128? {
        let a0 = UInt64(truncatingIfNeeded: a), a1 = UInt64(truncatingIfNeeded: a >> 64)
        let (h0, l0) = a0.multipliedFullWidth(by: unit)
        let (h1, l1) = a1.multipliedFullWidth(by: unit)
        let (n1, c) = h0.addingReportingOverflow(l1)
        let n2 = h1 &+ (c ? 1 : 0)
        let n0 = l0
        let b0 = UInt64(truncatingIfNeeded: b), b1 = UInt64(truncatingIfNeeded: b >> 64)
        if b1 == 0 { return divide4(0, n2, n1, n0, by: b0) }
        return divide3By2(n2, n1, n0, b1, b0)
    }

    /// Full 256-bit product as four limbs, most significant first.
    @inlinable
    static func multiply(_ a: UInt128, _ b: UInt128) -> (UInt64, UInt64, UInt64, UInt64) {
        let a0 = UInt64(truncatingIfNeeded: a), a1 = UInt64(truncatingIfNeeded: a >> 64)
        let b0 = UInt64(truncatingIfNeeded: b), b1 = UInt64(truncatingIfNeeded: b >> 64)
        let (h00, l00) = a0.multipliedFullWidth(by: b0)
        if a1 == 0 && b1 == 0 { return (0, 0, h00, l00) }
        let (h01, l01) = a0.multipliedFullWidth(by: b1)
        let (h10, l10) = a1.multipliedFullWidth(by: b0)
        let (h11, l11) = a1.multipliedFullWidth(by: b1)
        // limb 1 = h00 + l01 + l10
        var (r1, c1) = h00.addingReportingOverflow(l01)
        var carry2: UInt64 = c1 ? 1 : 0
        (r1, c1) = r1.addingReportingOverflow(l10)
        carry2 &+= c1 ? 1 : 0
        // limb 2 = h01 + h10 + l11 + carry2
        var (r2, c2) = h01.addingReportingOverflow(h10)
        var carry3: UInt64 = c2 ? 1 : 0
        (r2, c2) = r2.addingReportingOverflow(l11)
        carry3 &+= c2 ? 1 : 0
        (r2, c2) = r2.addingReportingOverflow(carry2)
        carry3 &+= c2 ? 1 : 0
        let r3 = h11 &+ carry3
        return (r3, r2, r1, l00)
    }

    /// A four-limb number divided by a one-limb divisor, rounded half-even.
    @usableFromInline
    static func divide4(_ n3: UInt64, _ n2: UInt64, _ n1: UInt64, _ n0: UInt64, by d: UInt64) -> UInt128? {
        // The quotient must fit 128 bits: the top two limbs must be below d.
        if n3 != 0 { return nil }
        if n2 >= d { return nil }
        let (q1, r1) = d.dividingFullWidth((n2, n1))
        let (q0, r0) = d.dividingFullWidth((r1, n0))
        var q = UInt128(q1) << 64 | UInt128(q0)
        // half-even: compare the remainder with d - remainder
        let rest = d - r0
        if r0 > rest || (r0 == rest && q & 1 == 1) {
            if q == UInt128.max { return nil }
            q += 1
        }
        return q
    }

    /// A three-limb number divided by a two-limb divisor (b1 != 0), rounded half-even.
    /// Knuth's algorithm D, specialised to these sizes; the quotient has at most two limbs.
    @usableFromInline
    static func divide3By2(_ n2: UInt64, _ n1: UInt64, _ n0: UInt64, _ b1: UInt64, _ b0: UInt64) -> UInt128? {
        let s = UInt64(b1.leadingZeroBitCount)
        let v1 = s == 0 ? b1 : (b1 << s) | (b0 >> (64 - s))
        let v0 = b0 << s
        var u3 = s == 0 ? 0 : n2 >> (64 - s)
        var u2 = s == 0 ? n2 : (n2 << s) | (n1 >> (64 - s))
        var u1 = s == 0 ? n1 : (n1 << s) | (n0 >> (64 - s))
        var u0 = n0 << s

        let q1 = step(&u3, &u2, &u1, v1, v0)
        let q0 = step(&u2, &u1, &u0, v1, v0)
        var q = UInt128(q1) << 64 | UInt128(q0)
        // Remainder (normalised) is u1:u0; compare with divisor - remainder.
        let rem = UInt128(u1) << 64 | UInt128(u0)
        let div = UInt128(v1) << 64 | UInt128(v0)
        let rest = div - rem
        if rem > rest || (rem == rest && q & 1 == 1) {
            if q == UInt128.max { return nil }
            q += 1
        }
        return q
    }

    /// One quotient limb of algorithm D: divides (top, mid, low) by (v1, v0), leaving the
    /// remainder in (top, mid, low) with top == 0.
    @inline(__always)
    static func step(_ top: inout UInt64, _ mid: inout UInt64, _ low: inout UInt64,
                     _ v1: UInt64, _ v0: UInt64) -> UInt64 {
        var qhat: UInt64
        var rhat: UInt64
        var rhatOverflow = false
        if top >= v1 {
            qhat = UInt64.max
            let (r, o) = mid.addingReportingOverflow(v1)  // (top*B + mid) - (B-1)*v1 with top == v1
            rhat = r
            rhatOverflow = o
        } else {
            (qhat, rhat) = v1.dividingFullWidth((top, mid))
        }
        while !rhatOverflow {
            let (ph, pl) = qhat.multipliedFullWidth(by: v0)
            if ph > rhat || (ph == rhat && pl > low) {
                qhat -= 1
                let (r, o) = rhat.addingReportingOverflow(v1)
                rhat = r
                rhatOverflow = o
            } else {
                break
            }
        }
        // Multiply and subtract: (top, mid, low) -= qhat * (v1, v0).
        let (p0h, p0l) = qhat.multipliedFullWidth(by: v0)
        let (p1h, p1l) = qhat.multipliedFullWidth(by: v1)
        let (pm, cm) = p0h.addingReportingOverflow(p1l)
        let pt = p1h &+ (cm ? 1 : 0)
        var (nl, b0) = low.subtractingReportingOverflow(p0l)
        var (nm, b1) = mid.subtractingReportingOverflow(pm)
        if b0 { let (x, bb) = nm.subtractingReportingOverflow(1); nm = x; b1 = b1 || bb }
        var (nt, b2) = top.subtractingReportingOverflow(pt)
        if b1 { let (x, bb) = nt.subtractingReportingOverflow(1); nt = x; b2 = b2 || bb }
        if b2 {
            // qhat was one too large: add the divisor back.
            qhat -= 1
            let (al, c0) = nl.addingReportingOverflow(v0)
            nl = al
            var (am, c1) = nm.addingReportingOverflow(v1)
            if c0 { let (x, cc) = am.addingReportingOverflow(1); am = x; c1 = c1 || cc }
            nm = am
            nt = nt &+ (c1 ? 1 : 0)
        }
        top = nt; mid = nm; low = nl
        return qhat
    }
}
