import Foundation
import XCTest
@testable import AdvocompModel

/// Work sized to the machine (`Parallel`): the ranges it splits work into. That outputs do
/// not depend on the number of workers is checked through the built advocomp (ParallelCLITests).
final class ParallelTests: XCTestCase {
    func testRangesCoverTheWorkInOrder() {
        XCTAssertEqual(Parallel.ranges(10, minimumChunk: 1, workers: 3), [0..<4, 4..<8, 8..<10])
        XCTAssertEqual(Parallel.ranges(10, minimumChunk: 6, workers: 3), [0..<10], "too little work to split")
        XCTAssertEqual(Parallel.ranges(0, workers: 4), [])
        XCTAssertEqual(Parallel.ranges(5, workers: 64), (0..<5).map { $0..<($0 + 1) })
        for workers in 1...9 {
            let r = Parallel.ranges(1000, minimumChunk: 7, workers: workers)
            XCTAssertEqual(r.first?.lowerBound, 0)
            XCTAssertEqual(r.last?.upperBound, 1000)
            XCTAssertTrue(zip(r, r.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            XCTAssertLessThanOrEqual(r.count, workers)
        }
    }
}
