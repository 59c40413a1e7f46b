import AdvocompKit
import Foundation

/// 10 million multiply-adds (acc = acc + x * y) in three number types, to show why
/// the engine uses `FixedDecimal` and not Foundation's `Decimal` (README, "Numbers").
/// The operands are realistic: an amount times a factor, with 18 significant digits.
enum NumbersBench {
    static func run(iterations n: Int) -> Int32 {
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        // Operand tables, so the loop reads memory like the engine does.
        let count = 1024
        var fx: [FixedDecimal] = [], fy: [FixedDecimal] = []
        var dx: [Decimal] = [], dy: [Decimal] = []
        var ix: [Int64] = [], iy: [Int64] = []
        for i in 0..<count {
            let a = "\(1000 + i * 7).\(String(format: "%02d", i % 100))"       // money
            let b = "0.\(String(format: "%06d", 900_000 + i * 97 % 200_000))"  // a factor
            guard case .success(let x) = FixedDecimal.parse(a), case .success(let y) = FixedDecimal.parse(b),
                  let dxv = Decimal(string: a), let dyv = Decimal(string: b) else { return 1 }
            fx.append(x); fy.append(y); dx.append(dxv); dy.append(dyv)
            ix.append(Int64(1000 + i * 7)); iy.append(Int64(i % 13 + 1))
        }
        var fAcc = FixedDecimal.zero
        let fTime = seconds(clock.measure {
            do {
                for i in 0..<n { fAcc = try fAcc + fx[i & 1023] * fy[i & 1023] }
            } catch { fAcc = .zero }
        })
        var dAcc = Decimal(0)
        let dTime = seconds(clock.measure {
            for i in 0..<n { dAcc += dx[i & 1023] * dy[i & 1023] }
        })
        var iAcc: Int64 = 0
        let iTime = seconds(clock.measure {
            for i in 0..<n { iAcc &+= ix[i & 1023] &* iy[i & 1023] }
        })
        func row(_ name: String, _ t: Double, _ result: String) -> String {
            let ns = t / Double(n) * 1e9
            return "\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(format: "%8.3f", t)) s  \(String(format: "%8.2f", ns)) ns/op   result \(result)"
        }
        print("\(n) multiply-adds (acc = acc + x * y), release build")
        print(row("FixedDecimal (Int128)", fTime, fAcc.description))
        print(row("Foundation.Decimal", dTime, "\(dAcc)"))
        print(row("Int64 (not exact)", iTime, "\(iAcc)"))
        print(String(format: "FixedDecimal is %.0fx faster than Decimal", dTime / fTime))
        return 0
    }
}
