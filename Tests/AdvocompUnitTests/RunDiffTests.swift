import XCTest
@testable import AdvocompHistory
@testable import AdvocompModel
@testable import AdvocompStore
import AdvocompTestSupport

/// `diff`'s arithmetic on stored money: each difference in its currency's minor digits
/// (read from the currency, never guessed from the stored text), never across currencies.
final class RunDiffTests: XCTestCase {
    func payee(_ id: String, _ amount: String, _ code: String, _ status: PayeeStatus = .ok) throws -> StoredPayee {
        let currency = try XCTUnwrap(Currency(code: code))
        return StoredPayee(payeeID: id, name: id, payout: try XCTUnwrap(Money.parse(amount, currency)), status: status, json: nil)
    }

    func testADifferenceHasItsCurrencysDigitsAndASign() throws {
        func shown(_ a: StoredPayee?, _ b: StoredPayee?) -> String? { RunDiff.difference(a, b).map(RunDiff.signed) }
        XCTAssertEqual(shown(try payee("E1", "2359566", "JPY"), try payee("E1", "2359600", "JPY")), "+34")
        XCTAssertEqual(shown(try payee("E1", "12.345", "BHD"), try payee("E1", "12", "BHD")), "-0.345")
        // A payout stored as "100" in USD is 100.00: the digits come from the currency.
        XCTAssertEqual(shown(try payee("E1", "100", "USD"), try payee("E1", "100.5", "USD")), "+0.50")
        XCTAssertEqual(shown(try payee("E1", "7.00", "EUR"), try payee("E1", "7.00", "EUR")), "0.00")
        // A payee added or gone counts from zero; a change of currency has no difference.
        XCTAssertEqual(shown(nil, try payee("E2", "5", "JPY")), "+5")
        XCTAssertEqual(shown(try payee("E2", "5.10", "GBP"), nil), "-5.10")
        XCTAssertNil(shown(try payee("E3", "5.00", "USD"), try payee("E3", "5.00", "EUR")))
    }

    func testTheSplitOfADifferenceIsWorded() throws {
        let usd = try XCTUnwrap(Currency(code: "USD"))
        XCTAssertEqual(RunDiff.Cause.split(inputs: Money("12.5".d, usd), plan: Money("-3".d, usd)).description, "inputs +12.50, plan -3.00")
        XCTAssertEqual(RunDiff.Cause.inputs(["actuals", "period"]).description, "inputs (actuals, period)")
        XCTAssertEqual(RunDiff.Cause.neither("0.1.0", "0.2.0").description, "neither: same plan and inputs (advocomp 0.1.0 and 0.2.0)")
    }
}
