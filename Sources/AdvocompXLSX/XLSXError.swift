/// Every failure of the xlsx writer: a libxlsxwriter `lxw_error`, or a check done in Swift
/// before calling it (bad sheet name, cell out of range, NaN, closed workbook, ...).
///
/// `description` reads like `cannot write string to Plan!B3: Worksheet row or column index
/// out of range.`: what was being done (sheet, cell in A1 notation), then why.
public struct XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// A worksheet name Excel refuses: empty, longer than 31, `[]:*?/\`, leading or
        /// trailing `'`, or already used in the workbook (case-insensitive).
        case invalidSheetName
        /// A row or column outside Excel's grid (rows 0..<1_048_576, columns 0..<16_384),
        /// a range whose first row/column is after its last, or (constant-memory mode) a
        /// row written after a later one.
        case cellOutOfRange
        /// NaN or an infinity: a worksheet cell cannot hold it.
        case nonFiniteNumber
        /// Any other bad argument: empty formula, NUL character, text too long, unknown
        /// sheet in a chart range, invalid defined name, ...
        case invalidArgument
        /// The workbook was already closed or discarded: nothing can be added.
        case workbookClosed
        /// The output (or a temporary) file could not be created, written or moved into place.
        case file
        /// Any other libxlsxwriter failure (e.g. out of memory).
        case library
    }

    public let kind: Kind
    /// The raw `lxw_error` value when libxlsxwriter reported the failure, nil when the
    /// check was done in Swift.
    public let lxwCode: Int?
    /// What was being done, e.g. `write string to Plan!B3`.
    public let context: String
    /// Why it failed: libxlsxwriter's `lxw_strerror` text, or the Swift check's reason.
    public let message: String

    public init(_ kind: Kind, context: String, message: String, lxwCode: Int? = nil) {
        self.kind = kind
        self.lxwCode = lxwCode
        self.context = context
        self.message = message
    }

    public var description: String { "cannot \(context): \(message)" }
}
