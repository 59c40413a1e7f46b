import XCTest
@testable import AdvocompModel
import AdvocompTestSupport

/// The one money type: currencies never mix, one rounding, two ways of writing.
final class MoneyTests: XCTestCase {
    let usd = Currency(code: "USD")!, jpy = Currency(code: "JPY")!, bhd = Currency(code: "BHD")!

    func testAddingTwoCurrenciesIsAnErrorNeverASum() throws {
        let a = Money("10.50".d, usd), b = Money("3".d, usd)
        XCTAssertEqual(try a + b, Money("13.50".d, usd))
        XCTAssertEqual(try a - b, Money("7.50".d, usd))
        XCTAssertThrowsError(try a + Money("1".d, jpy)) { e in
            XCTAssertEqual(e as? MoneyError, .currencyMismatch("USD", "JPY"))
            XCTAssertEqual("\(e)", "amounts in USD and JPY cannot be added: advocomp never converts currencies")
        }
        XCTAssertThrowsError(try a - Money("1".d, jpy))
        XCTAssertThrowsError(try Money(FixedDecimal.largest(places: 2), usd) + Money("0.01".d, usd)) { e in
            XCTAssertEqual(e as? ArithmeticError, .overflow)
        }
    }

    func testOneRoundingToTheCurrencysMinorUnits() throws {
        XCTAssertEqual(try Money("2.345".d, usd).rounded(.halfEven).plain, "2.34")
        XCTAssertEqual(try Money("2.345".d, usd).rounded(.halfUp).plain, "2.35")
        XCTAssertEqual(try Money("2359565.5".d, jpy).rounded(.halfEven).plain, "2359566")
        XCTAssertEqual(try Money("12.3455".d, bhd).rounded(.halfEven).plain, "12.346")
        XCTAssertTrue(Money("2.34".d, usd).isRounded)
        XCTAssertFalse(Money("2.345".d, usd).isRounded)
        XCTAssertEqual(Money("2.34".d, usd).minorUnits, 234)
        XCTAssertNil(Money("2.345".d, usd).minorUnits)
        XCTAssertEqual(try Money(minorUnits: -128248, usd), Money("-1282.48".d, usd))
    }

    func testPlainForFilesAndGroupedForPeople() {
        XCTAssertEqual(Money("37089.29".d, usd).plain, "37089.29")
        XCTAssertEqual(Money("37089.29".d, usd).grouped, "37,089.29")
        XCTAssertEqual(Money("-1282.48".d, usd).grouped, "-1,282.48")
        XCTAssertEqual(Money("1234567".d, jpy).grouped, "1,234,567")
        XCTAssertEqual(Money("0".d, usd).plain, "0.00")
        XCTAssertEqual(Money("84650.86".d, usd).description, "84650.86 USD")
        XCTAssertEqual(Money.parse("12.5", usd), Money("12.50".d, usd))
        XCTAssertNil(Money.parse("12.345", usd), "more decimals than the currency has")
        XCTAssertNil(Money.parse("12abc", usd))
        XCTAssertNil(Money.parse("", usd))
    }
}
