import LifelineCore

/// A report request as text (query string or CLI options), checked once for both interfaces.
public struct ReportRequest: Sendable {
    public var from: String?
    public var to: String?
    public var groupBy: String?
    public var currency: String?

    public init(from: String?, to: String?, groupBy: String? = nil, currency: String? = nil) {
        self.from = from
        self.to = to
        self.groupBy = groupBy
        self.currency = currency
    }

    /// Refusals name the parameter; `invalid` is the JSON `error` value.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }

    /// Dates are `YYYY-MM-DD` (UTC midnight) or Unix seconds; `to` is excluded.
    public func query(defaultFrom: Int64? = nil, defaultTo: Int64? = nil) throws(Invalid) -> ReportQuery {
        let start = try Self.date(from, name: "from", fallback: defaultFrom)
        let end = try Self.date(to, name: "to", fallback: defaultTo)
        guard end > start else {
            throw Invalid(detail: "to (\(ReportDate.day(end))) must be after from (\(ReportDate.day(start))); the period is [from, to)")
        }
        let grouping: ReportGrouping
        if let groupBy = Self.nonEmpty(groupBy) {
            guard let parsed = ReportGrouping(rawValue: groupBy.lowercased()) else {
                throw Invalid(detail: "group_by must be segment, cohort or none, got \"\(groupBy)\"")
            }
            grouping = parsed
        } else {
            grouping = .segment
        }
        var target: String?
        if let currency = Self.nonEmpty(currency) {
            guard currency.utf8.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw Invalid(detail: "currency must be a 3-letter ISO 4217 code, got \"\(currency)\"")
            }
            target = currency.lowercased()
        }
        return ReportQuery(period: ReportPeriod(from: start, to: end), grouping: grouping, currency: target)
    }

    static func date(_ text: String?, name: String, fallback: Int64?) throws(Invalid) -> Int64 {
        guard let text = nonEmpty(text) else {
            guard let fallback else { throw Invalid(detail: "\(name) is required (YYYY-MM-DD or Unix seconds)") }
            return fallback
        }
        guard let seconds = ReportDate.parse(text) else {
            throw Invalid(detail: "\(name) must be a date YYYY-MM-DD (UTC) or Unix seconds, got \"\(text)\"")
        }
        return seconds
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
