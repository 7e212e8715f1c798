/// Puts each cohort customer in a segment (metadata, else MRR band) or a first-paid month.
struct CohortGrouper {
    static let unknownCohort = "unknown"

    let customers: [String: CustomerRecord]
    let settings: ReportSettings
    /// Start MRR per customer in the bands' base currency, summed over its currencies.
    let baseMRR: [String: Int64]

    init(customers: [CustomerRecord], members: [CohortMember], settings: ReportSettings) {
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.settings = settings
        var base: [String: Int64] = [:]
        for member in members {
            // Without a rate the amount is banded as is: better than dropping the customer.
            let amount = (try? settings.rates.convert(member.startMRR, from: member.currency, to: settings.rates.base)) ?? member.startMRR
            base[member.customerID, default: 0] += amount
        }
        baseMRR = base
    }

    func group(of customerID: String, by grouping: ReportGrouping) -> String {
        switch grouping {
        case .none:
            return "all"
        case .segment:
            if let segment = customers[customerID]?.segment, !segment.isEmpty { return segment }
            return settings.bands.segment(forMRR: baseMRR[customerID] ?? 0)
        case .cohort:
            return customers[customerID]?.firstPaidAt.map(ReportDate.month) ?? Self.unknownCohort
        }
    }

    /// Segments in band order, cohorts oldest first with "unknown" last; then by currency.
    func sorted(_ rows: [NRRFigures], by grouping: ReportGrouping) -> [NRRFigures] {
        rows.sorted { lhs, rhs in
            let left = rank(lhs.group, grouping)
            let right = rank(rhs.group, grouping)
            if left != right { return left < right }
            if lhs.group != rhs.group { return lhs.group < rhs.group }
            return lhs.currency < rhs.currency
        }
    }

    func rank(_ group: String, _ grouping: ReportGrouping) -> Int {
        switch grouping {
        case .segment: settings.bands.rank(of: group)
        case .cohort: group == Self.unknownCohort ? 1 : 0
        case .none: 0
        }
    }
}
