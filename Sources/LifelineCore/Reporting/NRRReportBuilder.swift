/// Computes the NRR report from plain values: no I/O, so it is tested on hand-made ledgers.
public enum NRRReportBuilder {
    public static func build(_ input: ReportInput, query: ReportQuery, settings: ReportSettings = .standard) throws(ReportError) -> NRRReport {
        try build(members: try cohort(input, period: query.period), input: input, query: query, settings: settings)
    }

    /// The cohort alone, so one replay can feed several groupings (the dashboard does).
    public static func cohort(_ input: ReportInput, period: ReportPeriod) throws(ReportError) -> [CohortMember] {
        guard period.to > period.from else { throw .invalidPeriod(from: period.from, to: period.to) }
        return CohortReplay.members(input.movements, period: period)
    }

    public static func build(
        members: [CohortMember], input: ReportInput, query: ReportQuery, settings: ReportSettings = .standard
    ) throws(ReportError) -> NRRReport {
        let period = query.period
        guard period.to > period.from else { throw .invalidPeriod(from: period.from, to: period.to) }
        let recovered = recoveredMRR(input.cases, period: period)
        let grouper = CohortGrouper(customers: input.customers, members: members, settings: settings)

        var rows: [RowKey: NRRFigures] = [:]
        var totals: [String: NRRFigures] = [:]
        for member in members {
            // A saved customer who left anyway before the end kept nothing in: credit what remains.
            let atRisk = recovered[CohortReplay.Key(customerID: member.customerID, currency: member.currency)] ?? 0
            let saved = max(0, min(atRisk, member.endMRR))
            let group = grouper.group(of: member.customerID, by: query.grouping)
            rows[RowKey(group: group, currency: member.currency), default: NRRFigures(group: group, currency: member.currency)]
                .add(start: member.startMRR, end: member.endMRR, flows: member.flows, recovered: saved, members: 1)
            totals[member.currency, default: NRRFigures(group: "all", currency: member.currency)]
                .add(start: member.startMRR, end: member.endMRR, flows: member.flows, recovered: saved, members: 1)
        }
        var groupRows = Array(rows.values)
        var totalRows = Array(totals.values)
        if let target = query.currency {
            groupRows = try merge(groupRows, into: target, rates: settings.rates)
            totalRows = try merge(totalRows, into: target, rates: settings.rates)
            if totalRows.isEmpty { totalRows = [NRRFigures(group: "all", currency: target)] }
        }
        return NRRReport(
            query: query,
            groups: query.grouping == .none ? [] : grouper.sorted(groupRows, by: query.grouping),
            totals: totalRows.sorted { $0.currency < $1.currency },
            recovery: RecoveryStatistics.compute(input, period: period)
        )
    }

    struct RowKey: Hashable {
        var group: String
        var currency: String
    }

    /// MRR saved by Lifeline during the period, per customer and currency: cases recovered after
    /// one of its actions was delivered (an invoice paid before any action cured itself). A
    /// customer saved twice still had one MRR to lose, so the largest MRR at risk counts, once.
    static func recoveredMRR(_ cases: [RecoveryCase], period: ReportPeriod) -> [CohortReplay.Key: Int64] {
        var out: [CohortReplay.Key: Int64] = [:]
        for recoveryCase in cases where recoveryCase.status == .recovered && recoveryCase.isCreditedToLifeline {
            guard let at = recoveryCase.recoveredAt, period.contains(at) else { continue }
            let key = CohortReplay.Key(customerID: recoveryCase.customerID, currency: recoveryCase.currency)
            out[key] = max(out[key] ?? 0, recoveryCase.mrrAtRisk)
        }
        return out
    }

    /// Converts each row into `target` and adds up rows of the same group.
    static func merge(_ rows: [NRRFigures], into target: String, rates: CurrencyRates) throws(ReportError) -> [NRRFigures] {
        var merged: [String: NRRFigures] = [:]
        for row in rows {
            let converted = try row.converted(to: target, with: rates)
            merged[row.group, default: NRRFigures(group: row.group, currency: target)].add(
                start: converted.startMRR, end: converted.endMRR, flows: converted.flows,
                recovered: converted.recoveredMRR, members: converted.customers, grossRetained: converted.grossRetainedMRR
            )
        }
        return Array(merged.values)
    }
}

extension RecoveryCase {
    /// Recovered after an action Lifeline delivered: the saving is attributed to that action.
    public var isCreditedToLifeline: Bool { attributedActionID != nil || attributedActionKind != nil }
}
