/// Chart kinds offered (libxlsxwriter has more; these are enough for report charts).
public enum XLSXChartType: Hashable, Sendable {
    /// Clustered vertical columns.
    case column
    /// Clustered horizontal bars.
    case bar
    case line
}

public enum XLSXLegendPosition: Hashable, Sendable {
    case none, right, left, top, bottom
}

/// One data series: values (and optional category labels) read from worksheet ranges.
public struct XLSXChartSeries: Hashable, Sendable {
    /// Literal series name shown in the legend (ignored when `nameCell` is set).
    public var name: String?
    /// Take the series name from this cell instead (its range's first cell).
    public var nameCell: XLSXRange?
    /// Category labels (e.g. the unit names), usually one column.
    public var categories: XLSXRange?
    /// The numbers, usually one column the same height as `categories`.
    public var values: XLSXRange
    /// Fill (columns, bars) or line colour; Excel's palette when nil.
    public var color: XLSXColor?

    public init(name: String? = nil, nameCell: XLSXRange? = nil, categories: XLSXRange? = nil,
                values: XLSXRange, color: XLSXColor? = nil) {
        self.name = name
        self.nameCell = nameCell
        self.categories = categories
        self.values = values
        self.color = color
    }
}

/// Everything a chart shows. Built into a chart by `XLSXWorkbook.addChart(_:)`.
public struct XLSXChartSpec: Hashable, Sendable {
    public var type: XLSXChartType
    public var title: String?
    /// Title of the category axis (horizontal for column and line charts, vertical for bar).
    public var categoryAxisName: String?
    /// Title of the value axis.
    public var valueAxisName: String?
    /// Number format of the value axis labels, e.g. `#,##0`.
    public var valueAxisNumFormat: String?
    /// Where the value axis starts (0 for amounts: bars from zero); nil lets the
    /// spreadsheet choose.
    public var valueAxisMin: Double?
    public var legend: XLSXLegendPosition
    public var series: [XLSXChartSeries]

    public init(type: XLSXChartType = .column, title: String? = nil, categoryAxisName: String? = nil,
                valueAxisName: String? = nil, valueAxisNumFormat: String? = nil, valueAxisMin: Double? = nil,
                legend: XLSXLegendPosition = .bottom, series: [XLSXChartSeries]) {
        self.type = type
        self.title = title
        self.categoryAxisName = categoryAxisName
        self.valueAxisName = valueAxisName
        self.valueAxisNumFormat = valueAxisNumFormat
        self.valueAxisMin = valueAxisMin
        self.legend = legend
        self.series = series
    }
}

/// A chart of a workbook, ready to be placed once with `XLSXWorksheet.insertChart`.
/// A chart that is never inserted is not written.
public final class XLSXChart {
    let workbook: XLSXWorkbook
    let id: Int
    public let spec: XLSXChartSpec

    init(workbook: XLSXWorkbook, id: Int, spec: XLSXChartSpec) {
        self.workbook = workbook
        self.id = id
        self.spec = spec
    }
}
