import XCTest
final class PlaceholderBrowserTests: XCTestCase { func testNothing() {} }
