/// A half-open reporting window [from, to) in Unix seconds.
public struct ReportPeriod: Sendable, Hashable {
    public var from: Int64
    public var to: Int64

    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    public func contains(_ seconds: Int64) -> Bool { seconds >= from && seconds < to }
}

/// How report rows are split.
public enum ReportGrouping: String, Sendable, Hashable, Codable, CaseIterable {
    /// Customer metadata `segment`, else MRR bands at the period start.
    case segment
    /// Month of the first successful payment (YYYY-MM, UTC).
    case cohort
    /// One row per currency.
    case none
}

/// What a reader asks for: period, grouping, and an optional currency to convert into.
public struct ReportQuery: Sendable, Hashable {
    public var period: ReportPeriod
    public var grouping: ReportGrouping
    /// Lowercase ISO code to convert every amount into; nil reports each currency apart.
    public var currency: String?

    public init(period: ReportPeriod, grouping: ReportGrouping = .segment, currency: String? = nil) {
        self.period = period
        self.grouping = grouping
        self.currency = currency?.lowercased()
    }
}
