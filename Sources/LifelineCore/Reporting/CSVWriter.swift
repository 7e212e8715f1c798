/// The one CSV writer of every export (the NRR report, cases, actions, attempts, projection
/// failures): RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes
/// doubled), and safe to open in a spreadsheet: every text cell that could run as a formula is
/// neutralised; numbers Lifeline computes are written as numbers.
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    /// A header row then nothing: every row after it goes through `row`.
    public init(header: [String]) {
        row(header)
    }

    /// A row of text cells, each neutralised.
    public mutating func row(_ fields: [String]) {
        row(fields.map { CSVCell.text($0) })
    }

    public mutating func row(_ cells: [CSVCell]) {
        text += cells.map { Self.field($0.value) }.joined(separator: ",") + "\r\n"
    }

    /// Quotes a field when it holds a comma, quote or line break.
    public static func field(_ value: String) -> String {
        let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }

    /// Text from customers, providers or peers must not run as a spreadsheet formula (CSV
    /// injection): a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    /// leading `'`, which spreadsheets show as text.
    public static func safeText(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }
}

/// One cell of a CSV row: text (neutralised) or a number or time Lifeline wrote itself.
public struct CSVCell: Sendable, Equatable {
    /// The cell as written, before quoting.
    public let value: String

    private init(_ value: String) { self.value = value }

    /// Text, neutralised against formulas; nil is an empty cell.
    public static func text(_ value: String?) -> CSVCell {
        CSVCell(value.map(CSVWriter.safeText) ?? "")
    }

    /// An integer: minor units, Unix seconds, counts.
    public static func integer(_ value: (some BinaryInteger)?) -> CSVCell {
        CSVCell(value.map { String($0) } ?? "")
    }

    /// A number Lifeline formatted itself (`12.50`); never text from outside.
    public static func number(_ value: String?) -> CSVCell {
        CSVCell(value ?? "")
    }

    /// Minor units as a decimal amount in the currency's own digits: `4900` EUR is `49.00`,
    /// `4900` JPY is `4900`.
    public static func decimal(_ minorUnits: Int64?, currency: String) -> CSVCell {
        CSVCell(minorUnits.map { Money($0, currency).decimalText } ?? "")
    }

    /// Unix seconds as an ISO 8601 UTC time, `2026-11-23T12:00:00Z`.
    public static func time(_ seconds: Int64?) -> CSVCell {
        CSVCell(seconds.map(UTCDate.iso8601) ?? "")
    }
}
