import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testLengthsAroundTheBlockAndPaddingBoundaries() {
        // 55/56 bytes: the length still fits in the last block, or needs one more; 63/64/65:
        // around a whole block; a million: the FIPS 180-2 long-message vector.
        let expected: [(Int, String)] = [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
            (1_000_000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        for (n, hash) in expected {
            XCTAssertEqual(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: n)), hash, "\(n) bytes")
        }
    }
}

final class CSVInjectionTests: XCTestCase {
    func testFormulaLikeTextIsNeutralised() {
        XCTAssertEqual(CSVField.escape("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        XCTAssertEqual(CSVField.escape("+1"), "'+1")
        XCTAssertEqual(CSVField.escape("-2"), "'-2")
        XCTAssertEqual(CSVField.escape("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVField.escape("\tx"), "'\tx")
        XCTAssertEqual(CSVField.escape("\rx"), "\"'\rx\"")
        XCTAssertEqual(CSVField.escape("Ada Park"), "Ada Park")
        XCTAssertEqual(CSVField.escape("a=b"), "a=b")
    }

    func testResultAndPayrollCSVNeutraliseInputText() throws {
        let plan = """
            plan: p
            version: "1"
            currency: USD
            pays: year
            kpis:
              k: { target: 100 }
            components:
              - { id: c, weight: 100%, measures: [ { kpi: k, weight: 100% } ] }
            """
        let roster = "payee_id,name,target_bonus,start_date\n=1+1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1000,\nB2,Bo,1000,2027-01-01\n"
        let outcome = TestSupport.calculate(plan: plan, roster: roster, actuals: "period,scope,kpi,value\n2026-FY,company,k,100\n",
                                            period: "2026-FY")
        let run = try XCTUnwrap(outcome.result, "\(outcome.diagnostics)")
        XCTAssertEqual(CSVReport.render(run), """
            payee_id,status,currency,target_incentive,payout
            '=1+1,ok,USD,1000.00,1000.00
            B2,ineligible,USD,0.00,0.00

            """)
        XCTAssertEqual(PayrollReport.render(run), """
            payee_id,name,currency,amount,earning_code,period
            '=1+1,"'=HYPERLINK(""http://x"",""y"")",USD,1000.00,BONUS,2026-FY

            """)
        XCTAssertEqual(PayrollReport.leftOut(run).ineligible, 1)
        XCTAssertEqual(PayrollReport.leftOut(run).held, 0)
    }

    func testEarningCodeComesFromThePlan() throws {
        let plan = """
            plan: p
            version: "1"
            currency: USD
            pays: year
            earning_code: ADVBON
            kpis:
              k: { target: 100 }
            components:
              - { id: c, weight: 100%, measures: [ { kpi: k, weight: 100% } ] }
            """
        let run = try XCTUnwrap(TestSupport.calculate(plan: plan, roster: "payee_id,name,target_bonus\nA,Ann,500\n",
                                                      actuals: "period,scope,kpi,value\n2026-FY,company,k,50\n",
                                                      period: "2026-FY").result)
        XCTAssertEqual(PayrollReport.render(run), "payee_id,name,currency,amount,earning_code,period\nA,Ann,USD,250.00,ADVBON,2026-FY\n")
        let (_, d) = TestSupport.parsePlan(plan.replacingOccurrences(of: "ADVBON", with: "\"A,B\""))
        XCTAssertEqual(TestSupport.errors(d), ["plan.yaml:5:15: error: earning_code must be a payroll code without commas, quotes or control characters"])
    }
}
