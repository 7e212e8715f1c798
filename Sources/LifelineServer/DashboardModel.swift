import LifelineCore

/// What the dashboard shows, computed from one report input so every panel agrees.
struct DashboardModel {
    var period: ReportPeriod
    /// The currency the money panels are in.
    var currency: String
    /// What the reader asked for in `?currency=`, kept in the form.
    var requestedCurrency: String?
    var total: NRRFigures
    var segments: [NRRFigures]
    var cohorts: [NRRFigures]
    /// Totals in other currencies that could not be converted (no rate): listed, not charted.
    var otherTotals: [NRRFigures]
    var recovery: RecoveryStatistics
    var recentCases: [RecoveryCase]
    var customerNames: [String: String]
    var generatedAt: Int64

    static func make(
        input: ReportInput, period: ReportPeriod, currency requested: String?, settings: ReportSettings, now: Int64
    ) throws(ReportError) -> DashboardModel {
        let members = try NRRReportBuilder.cohort(input, period: period)
        var currency = requested
        let currencies = Set(members.map(\.currency))
        // Several currencies with rates for all: one converted view reads better than several.
        if currency == nil, currencies.count > 1, currencies.allSatisfy({ settings.rates.rate($0) != nil }) {
            currency = settings.rates.base
        }
        let bySegment = try NRRReportBuilder.build(
            members: members, input: input, query: ReportQuery(period: period, grouping: .segment, currency: currency), settings: settings)
        let byCohort = try NRRReportBuilder.build(
            members: members, input: input, query: ReportQuery(period: period, grouping: .cohort, currency: currency), settings: settings)
        let main = bySegment.mainTotal ?? NRRFigures(group: "all", currency: currency ?? settings.rates.base)
        let recent = input.cases
            .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
            .prefix(12)
        return DashboardModel(
            period: period, currency: main.currency, requestedCurrency: requested, total: main,
            segments: bySegment.groups.filter { $0.currency == main.currency },
            cohorts: byCohort.groups.filter { $0.currency == main.currency },
            otherTotals: bySegment.totals.filter { $0.currency != main.currency },
            recovery: bySegment.recovery, recentCases: Array(recent),
            customerNames: Dictionary(input.customers.compactMap { customer in customer.name.map { (customer.id, $0) } }, uniquingKeysWith: { first, _ in first }),
            generatedAt: now
        )
    }
}
