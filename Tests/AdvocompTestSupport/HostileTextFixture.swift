import Foundation
import XCTest

/// Case 01's roster with a payee whose name holds control characters, for the tests that
/// terminal output shows them escaped (TerminalTextTests in-process, TerminalTextCLITests
/// through the built advocomp).
public protocol HostileTextFixture: XCTestCase {}

extension HostileTextFixture {
    /// ESC [2J (clear the screen), BEL, TAB, CR and U+009B (CSI: ESC [ in one character).
    public static var hostileName: String { "Ada\u{1B}[2J\u{07}Park\t\r\u{9B}1m" }
    public static var shownName: String { #"Ada\u{1B}[2J\u{07}Park\u{09}\u{0D}\u{9B}1m"# }

    /// No character a terminal would act on, but the line ends.
    public func assertNoControlCharacters(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        XCTAssertEqual(bad.map { String($0.value, radix: 16) }, [], file: file, line: line)
    }

    public func hostileRoster() throws -> String {
        let text = try String(contentsOf: try Conformance.folder("01-scorecard-basics").appendingPathComponent("roster.csv"), encoding: .utf8)
        return text.replacingOccurrences(of: "E001,Ada Park,", with: "E001,\"\(Self.hostileName)\",")
    }
}
