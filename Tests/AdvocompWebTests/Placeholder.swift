import XCTest
final class PlaceholderWebTests: XCTestCase { func testNothing() {} }
