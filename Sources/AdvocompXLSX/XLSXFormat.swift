/// An RGB colour, `0xRRGGBB` (black is `0x000000`).
public struct XLSXColor: Hashable, Sendable {
    public let rgb: UInt32

    /// `rgb` is masked to 24 bits.
    public init(rgb: UInt32) { self.rgb = rgb & 0xFF_FFFF }

    public static let black = XLSXColor(rgb: 0x000000)
    public static let white = XLSXColor(rgb: 0xFFFFFF)
    public static let red = XLSXColor(rgb: 0xFF0000)
    public static let green = XLSXColor(rgb: 0x008000)
    public static let blue = XLSXColor(rgb: 0x0000FF)
    public static let gray = XLSXColor(rgb: 0x808080)
    public static let lightGray = XLSXColor(rgb: 0xD9D9D9)
}

/// Cell border style (applied to all four sides).
public enum XLSXBorder: Hashable, Sendable {
    case thin, medium, thick, dashed, dotted, double, hair
}

/// Horizontal alignment.
public enum XLSXAlignment: Hashable, Sendable {
    case left, center, right, fill, justify, centerAcross
}

/// Vertical alignment.
public enum XLSXVerticalAlignment: Hashable, Sendable {
    case top, center, bottom
}

/// What a cell format looks like. Identical specs share one libxlsxwriter format.
///
/// `numFormat` is an Excel number format such as `#,##0.00`, `0.0%` or
/// `[$EUR] #,##0.00`; at most 127 UTF-8 bytes (libxlsxwriter's field size; longer throws
/// when the format is first used).
public struct XLSXFormatSpec: Hashable, Sendable {
    public var bold: Bool
    public var italic: Bool
    public var numFormat: String?
    public var fontColor: XLSXColor?
    public var bgColor: XLSXColor?
    public var border: XLSXBorder?
    public var alignment: XLSXAlignment?
    public var verticalAlignment: XLSXVerticalAlignment?
    public var textWrap: Bool

    public init(bold: Bool = false, italic: Bool = false, numFormat: String? = nil,
                fontColor: XLSXColor? = nil, bgColor: XLSXColor? = nil,
                border: XLSXBorder? = nil, alignment: XLSXAlignment? = nil,
                verticalAlignment: XLSXVerticalAlignment? = nil, textWrap: Bool = false) {
        self.bold = bold
        self.italic = italic
        self.numFormat = numFormat
        self.fontColor = fontColor
        self.bgColor = bgColor
        self.border = border
        self.alignment = alignment
        self.verticalAlignment = verticalAlignment
        self.textWrap = textWrap
    }
}

/// A cell format returned by `XLSXWorkbook.addFormat(_:)`. It is a value (its spec): the
/// libxlsxwriter format behind it is created once per workbook and reused, so using a
/// format with another workbook is harmless (that workbook makes its own).
public struct XLSXFormat: Hashable, Sendable {
    public let spec: XLSXFormatSpec

    public init(_ spec: XLSXFormatSpec) { self.spec = spec }
}
