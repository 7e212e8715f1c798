/// The NRR report of one period: rows per group and currency, totals, and recovery outcomes.
public struct NRRReport: Sendable, Hashable {
    public var query: ReportQuery
    /// One row per group and currency; empty when grouping is `none`.
    public var groups: [NRRFigures]
    /// The whole cohort, one row per currency (or one in the requested currency).
    public var totals: [NRRFigures]
    public var recovery: RecoveryStatistics

    public init(query: ReportQuery, groups: [NRRFigures], totals: [NRRFigures], recovery: RecoveryStatistics) {
        self.query = query
        self.groups = groups
        self.totals = totals
        self.recovery = recovery
    }

    /// The total with the largest starting MRR: what a one-currency view shows.
    public var mainTotal: NRRFigures? {
        totals.max { ($0.startMRR, $1.currency) < ($1.startMRR, $0.currency) }
    }
}

extension NRRReport: Encodable {
    enum CodingKeys: String, CodingKey {
        case period, currency, groups, totals, recovery
        case groupBy = "group_by"
    }

    enum PeriodKeys: String, CodingKey {
        case from, to
        case fromDate = "from_date"
        case toDate = "to_date"
    }

    /// The JSON document of the API and of `lifeline report nrr --format json`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var period = container.nestedContainer(keyedBy: PeriodKeys.self, forKey: .period)
        try period.encode(query.period.from, forKey: .from)
        try period.encode(query.period.to, forKey: .to)
        try period.encode(ReportDate.day(query.period.from), forKey: .fromDate)
        try period.encode(ReportDate.day(query.period.to), forKey: .toDate)
        try container.encode(query.grouping, forKey: .groupBy)
        try container.encode(query.currency, forKey: .currency)
        try container.encode(groups, forKey: .groups)
        try container.encode(totals, forKey: .totals)
        try container.encode(recovery, forKey: .recovery)
    }
}
