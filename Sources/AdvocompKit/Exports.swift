@_exported import AdvocompEngine
@_exported import AdvocompModel
@_exported import AdvocompReports
@_exported import AdvocompParser

public typealias Suggestions = Suggest

/// The tool's version, shown by `--version` and recorded in outputs.
public enum AdvocompVersion {
    public static let string = "0.1.0"
}
