/// The one way text becomes a number (SPEC section 1), and back.
///
/// Accepted: optional `+`/`-`, digits with an optional `.` fraction, an optional
/// trailing `%` (divides by 100). Rejected with a reason: thousands separators,
/// exponents, spaces inside, more than 18 fractional digits, more than 20 integer
/// digits, anything else. `Decimal(string:)` would read "12abc" as 12; this does not.
public enum NumberSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case thousandsSeparator
    case exponent
    case tooManyDecimals
    case tooLarge
    case invalid

    public var description: String {
        switch self {
        case .empty: return "expected a number, found nothing"
        case .thousandsSeparator: return "thousands separators are not allowed (write 1000, not 1,000)"
        case .exponent: return "exponent notation is not allowed (write 1500000, not 1.5e6)"
        case .tooManyDecimals: return "more than 18 decimal places"
        case .tooLarge: return "number too large (at most 20 integer digits)"
        case .invalid: return "not a number"
        }
    }
}

extension FixedDecimal {
    /// Parses a number from text (see `NumberSyntaxError` for the rules).
    public static func parse(_ text: String) -> Result<FixedDecimal, NumberSyntaxError> {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    /// Parses a number from UTF-8 bytes without allocating.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<FixedDecimal, NumberSyntaxError> {
        var i = 0
        let n = bytes.count
        if n == 0 { return .failure(.empty) }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        let i0 = i  // a sign alone is "nothing"
        var mantissa: UInt128 = 0
        var intDigits = 0
        var fracDigits = 0
        var pendingZeros = 0  // fractional zeros not yet folded into the mantissa
        var sawDigit = false
        var sawPoint = false
        var percent = false
        while i < n {
            let c = bytes[i]
            if c >= 48 && c <= 57 {
                sawDigit = true
                let d = UInt128(c - 48)
                if sawPoint {
                    if d == 0 { pendingZeros += 1; i += 1; continue }
                    for _ in 0..<pendingZeros { mantissa &*= 10 }
                    fracDigits += pendingZeros + 1
                    pendingZeros = 0
                    if fracDigits > 20 { return .failure(.tooManyDecimals) }
                    mantissa = mantissa &* 10 &+ d
                } else {
                    if intDigits > 0 || d != 0 { intDigits += 1 }
                    if intDigits > 22 { return .failure(.tooLarge) }
                    mantissa = mantissa &* 10 &+ d
                }
            } else if c == UInt8(ascii: ".") {
                if sawPoint { return .failure(.invalid) }
                sawPoint = true
            } else if c == UInt8(ascii: "%") {
                if i != n - 1 { return .failure(.invalid) }
                percent = true
            } else if c == UInt8(ascii: ",") {
                return .failure(.thousandsSeparator)
            } else if (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) && sawDigit {
                return .failure(.exponent)
            } else {
                return .failure(.invalid)
            }
            i += 1
        }
        if !sawDigit { return .failure(n == i0 ? .empty : .invalid) }
        if percent { fracDigits += 2 }
        if fracDigits > FixedDecimal.scale { return .failure(.tooManyDecimals) }
        if percent && intDigits > 22 || !percent && intDigits > 20 { return .failure(.tooLarge) }
        let (scaled, o) = mantissa.multipliedReportingOverflow(by: UInt128(pow10(FixedDecimal.scale - fracDigits)))
        if o || scaled > UInt128(Int128.max) { return .failure(.tooLarge) }
        let v = Int128(scaled)
        return .success(FixedDecimal(raw: negative ? -v : v))
    }

    /// Exactly `places` fractional digits, rounding half-even first if needed.
    /// `12.5` with 2 places is `12.50`; `-0.004` with 2 places is `0.00`.
    public func formatted(places: Int) -> String {
        let r = (try? rounded(places: places, mode: .halfEven)) ?? self
        return r.render(minPlaces: places, maxPlaces: places)
    }

    /// For people: rounded half-even to at most `maxPlaces` decimals, trailing zeros
    /// dropped (`1.0777777...` is `1.0778`, `1.15` stays `1.15`).
    public func shown(maxPlaces: Int = 4) -> String {
        let r = (try? rounded(places: maxPlaces, mode: .halfEven)) ?? self
        return r.render(minPlaces: 0, maxPlaces: maxPlaces)
    }

    /// The shortest exact text: `1.05`, `-3`, `0.333333333333333333`.
    public var description: String { render(minPlaces: 0, maxPlaces: FixedDecimal.scale) }

    /// The value as a percentage with up to `maxPlaces` decimals, e.g. `103.33%`.
    public func percentString(maxPlaces: Int = 2, minPlaces: Int = 0) -> String {
        let p = (try? (self * FixedDecimal.hundred).rounded(places: maxPlaces, mode: .halfEven)) ?? self
        return p.render(minPlaces: Swift.min(minPlaces, maxPlaces), maxPlaces: maxPlaces) + "%"
    }

    /// Between `minPlaces` and `maxPlaces` fractional digits (trailing zeros dropped down to
    /// `minPlaces`). Written into a stack buffer, digits from the right, the integer part
    /// with 64-bit divisions when it fits in 64 bits: a 100,000-payee JSON output has a
    /// million of these, and building each from four Strings and 128-bit divisions took a
    /// fifth of its time. Most results fit a small String, which allocates nothing.
    func render(minPlaces: Int, maxPlaces: Int) -> String {
        let mag = raw.magnitude
        let unit = UInt128(FixedDecimal.unit)
        let intPart = mag / unit
        var frac = UInt64(mag % unit)
        // Keep the leading maxPlaces digits of the 18-digit fraction.
        frac /= FixedDecimal.pow10(FixedDecimal.scale - maxPlaces)
        var places = maxPlaces
        while places > minPlaces && frac % 10 == 0 { frac /= 10; places -= 1 }
        let negative = raw < 0 && !(intPart == 0 && frac == 0)
        // Sign, 39 integer digits at most, the point and 18 fractional digits.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            var i = buffer.count
            if places > 0 {
                for _ in 0..<places {
                    i -= 1
                    buffer[i] = 48 + UInt8(frac % 10)
                    frac /= 10
                }
                i -= 1
                buffer[i] = UInt8(ascii: ".")
            }
            if intPart <= UInt128(UInt64.max) {
                var v = UInt64(intPart)
                repeat {
                    i -= 1
                    buffer[i] = 48 + UInt8(v % 10)
                    v /= 10
                } while v > 0
            } else {
                var v = intPart
                repeat {
                    i -= 1
                    buffer[i] = 48 + UInt8(v % 10)
                    v /= 10
                } while v > 0
            }
            if negative {
                i -= 1
                buffer[i] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[i...]), as: UTF8.self)
        }
    }
}

extension FixedDecimal: CustomStringConvertible {}

extension FixedDecimal: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension FixedDecimal {
    /// Appends exactly `places` fractional digits as UTF-8 (rounding half-even first if
    /// needed): the allocation-free twin of `formatted(places:)` for large outputs.
    public func appendFormatted(places: Int, to out: inout [UInt8]) {
        let r = (try? rounded(places: places, mode: .halfEven)) ?? self
        var units = r.raw.magnitude / UInt128(FixedDecimal.pow10(FixedDecimal.scale - places))
        if r.raw < 0 && units != 0 { out.append(UInt8(ascii: "-")) }
        // Digits, least significant first, into a small stack buffer.
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = UInt8(48 + Int(units % 10))
                units /= 10
                count += 1
            } while units > 0
            while count <= places { buf[count] = 48; count += 1 }  // at least one integer digit
            for i in stride(from: count - 1, through: 0, by: -1) {
                if i == places - 1 { out.append(UInt8(ascii: ".")) }
                out.append(buf[i])
            }
        }
    }
}
