/// A rebuild recomputes the ledger, classification, MRR movements and cases from the log: what
/// it keeps from the record and what it reports. Pure, so both stores rebuild the same way.
///
/// The record that no event carries stays as it is: every action planned or delivered, the
/// delivery attempts, and each case's timeline. A rebuild sends and plans nothing.
public enum Rebuild {
    /// What a rebuilt event writes: ledger rows and case states. Planned actions, their
    /// cancellation and the timeline entries are the record of what happened: they stay.
    public static func recorded(_ changes: PipelineChanges) -> PipelineChanges {
        var kept = changes
        kept.recovery.newActions = []
        kept.recovery.cancelledActionIDs = []
        kept.recovery.timeline = []
        return kept
    }

    /// Reconciles the rebuilt cases with the record.
    /// - A case with a delivered action was acting from its first delivery (the outbox moved it
    ///   there, not an event).
    /// - A case the log no longer opens (its failure now falls in no case) keeps its row, closed,
    ///   so its actions and timeline still belong to a case.
    /// - Every case the rebuild changed gets a timeline entry saying how; a case opened by an
    ///   event the projector had not applied yet (`openedByUnprojected`) was opened as it would
    ///   have been, with its own timeline, not by the rebuild.
    public static func reconcile(
        before: [RecoveryCase], rebuilt: [RecoveryCase], actions: [RecoveryAction], now: Int64, openedByUnprojected: Set<String> = []
    ) -> (cases: [RecoveryCase], timeline: [TimelineEntry], noLongerOpened: Int) {
        var firstDelivery: [String: Int64] = [:]
        for action in actions {
            guard let delivered = action.deliveredAt else { continue }
            firstDelivery[action.caseID] = min(firstDelivery[action.caseID] ?? delivered, delivered)
        }
        let previous = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var cases: [RecoveryCase] = []
        var timeline: [TimelineEntry] = []
        var seen = Set<String>()
        var noLongerOpened = 0
        for var recoveryCase in rebuilt {
            seen.insert(recoveryCase.id)
            if let delivered = firstDelivery[recoveryCase.id] {
                recoveryCase.actingAt = delivered
                if recoveryCase.status == .open { recoveryCase.status = .acting }
            }
            if let old = previous[recoveryCase.id] {
                recoveryCase.updatedAt = old.updatedAt
                let changes = differences(from: old, to: recoveryCase)
                if !changes.isEmpty {
                    recoveryCase.updatedAt = now
                    timeline.append(TimelineEntry(caseID: recoveryCase.id, at: now, kind: "rebuild", summary: "rebuild: " + changes.joined(separator: "; ")))
                }
            } else if !openedByUnprojected.contains(recoveryCase.id) {
                timeline.append(TimelineEntry(
                    caseID: recoveryCase.id, at: now, kind: "rebuild",
                    summary: "rebuild: opened from the log (\(recoveryCase.category.rawValue), \(recoveryCase.status.rawValue))"
                ))
            }
            cases.append(recoveryCase)
        }
        for old in before where !seen.contains(old.id) {
            noLongerOpened += 1
            var kept = old
            if !kept.status.isTerminal {
                kept.status = .closed
                kept.closedAt = now
            }
            kept.updatedAt = now
            cases.append(kept)
            timeline.append(TimelineEntry(caseID: old.id, at: now, kind: "rebuild", summary: "rebuild: the log no longer opens this case; kept as \(kept.status.rawValue) with its actions"))
        }
        return (cases, timeline, noLongerOpened)
    }

    /// The fields of a case a rebuild can change, as "field from → to".
    static func differences(from old: RecoveryCase, to new: RecoveryCase) -> [String] {
        var changes: [String] = []
        if old.category != new.category { changes.append("category \(old.category.rawValue) → \(new.category.rawValue)") }
        if old.status != new.status { changes.append("status \(old.status.rawValue) → \(new.status.rawValue)") }
        if old.mrrAtRisk != new.mrrAtRisk { changes.append("MRR at risk \(old.mrrAtRisk) → \(new.mrrAtRisk)") }
        if old.amountDue != new.amountDue { changes.append("amount due \(old.amountDue) → \(new.amountDue)") }
        if old.stressScore != new.stressScore { changes.append("stress \(old.stressScore) → \(new.stressScore)") }
        if old.invoiceIDs != new.invoiceIDs { changes.append("invoices \(old.invoiceIDs.joined(separator: ",")) → \(new.invoiceIDs.joined(separator: ","))") }
        if old.attributedActionID != new.attributedActionID {
            changes.append("attributed to \(old.attributedActionID ?? "none") → \(new.attributedActionID ?? "none")")
        }
        return changes
    }
}

/// What the ledger and the cases held, before or after a rebuild.
public struct RebuildSnapshot: Sendable {
    public var failures: [PaymentFailureRecord]
    public var movements: [MRRMovement]
    public var cases: [RecoveryCase]
    public var report: ReportInput

    public init(failures: [PaymentFailureRecord], movements: [MRRMovement], cases: [RecoveryCase], report: ReportInput) {
        self.failures = failures
        self.movements = movements
        self.cases = cases
        self.report = report
    }
}

/// What a store's rebuild did.
public struct RebuildRun: Sendable, Equatable {
    /// Logged events read again, and those that failed to project (listed as projection failures).
    public var events: Int
    public var failedEvents: Int
    /// Partner callbacks applied again to their cases.
    public var partnerCallbacks: Int
    /// Cases the log no longer opens, kept closed with their actions.
    public var casesNoLongerOpened: Int

    public init(events: Int = 0, failedEvents: Int = 0, partnerCallbacks: Int = 0, casesNoLongerOpened: Int = 0) {
        self.events = events
        self.failedEvents = failedEvents
        self.partnerCallbacks = partnerCallbacks
        self.casesNoLongerOpened = casesNoLongerOpened
    }
}

/// What changed: failures reclassified, movements added and removed, cases changed, and NRR
/// before and after for each of the last months.
public struct RebuildSummary: Sendable, Equatable, Encodable {
    public struct Reclassification: Sendable, Equatable, Encodable {
        public var from: FailureCategory
        public var to: FailureCategory
        public var count: Int

        public init(from: FailureCategory, to: FailureCategory, count: Int) {
            self.from = from
            self.to = to
            self.count = count
        }
    }

    public struct MonthNRR: Sendable, Equatable, Encodable {
        /// YYYY-MM (UTC).
        public var month: String
        public var currency: String
        public var before: Ratio?
        public var after: Ratio?

        enum CodingKeys: String, CodingKey { case month, currency, before = "nrr_before", after = "nrr_after" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(month, forKey: .month)
            try container.encode(currency, forKey: .currency)
            try container.encode(before?.percent(decimals: 2), forKey: .before)
            try container.encode(after?.percent(decimals: 2), forKey: .after)
        }
    }

    public var run: RebuildRun
    public var reclassified: [Reclassification]
    public var failuresAdded: Int
    public var failuresRemoved: Int
    public var movementsAdded: Int
    public var movementsRemoved: Int
    public var casesOpened: Int
    public var casesChanged: Int
    public var casesNoLongerOpened: Int { run.casesNoLongerOpened }
    public var nrr: [MonthNRR]

    enum CodingKeys: String, CodingKey {
        case reclassified, nrr
        case events, failedEvents = "failed_events", partnerCallbacks = "partner_callbacks"
        case failuresAdded = "failures_added", failuresRemoved = "failures_removed"
        case movementsAdded = "movements_added", movementsRemoved = "movements_removed"
        case casesOpened = "cases_opened", casesChanged = "cases_changed", casesNoLongerOpened = "cases_no_longer_opened"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(run.events, forKey: .events)
        try container.encode(run.failedEvents, forKey: .failedEvents)
        try container.encode(run.partnerCallbacks, forKey: .partnerCallbacks)
        try container.encode(reclassified, forKey: .reclassified)
        try container.encode(failuresAdded, forKey: .failuresAdded)
        try container.encode(failuresRemoved, forKey: .failuresRemoved)
        try container.encode(movementsAdded, forKey: .movementsAdded)
        try container.encode(movementsRemoved, forKey: .movementsRemoved)
        try container.encode(casesOpened, forKey: .casesOpened)
        try container.encode(casesChanged, forKey: .casesChanged)
        try container.encode(casesNoLongerOpened, forKey: .casesNoLongerOpened)
        try container.encode(nrr, forKey: .nrr)
    }

    /// Whether the rebuild changed nothing a report reads.
    public var isUnchanged: Bool {
        reclassified.isEmpty && failuresAdded == 0 && failuresRemoved == 0 && movementsAdded == 0 && movementsRemoved == 0
            && casesOpened == 0 && casesChanged == 0 && casesNoLongerOpened == 0
    }

    /// Compares the two snapshots; NRR is computed for each calendar month (UTC) of the last
    /// `months`, the current one included, in every currency either snapshot has.
    public static func compare(
        before: RebuildSnapshot, after: RebuildSnapshot, run: RebuildRun, now: Int64, months: Int = 12
    ) -> RebuildSummary {
        let oldCategories = Dictionary(before.failures.map { ($0.id, $0.category) }, uniquingKeysWith: { first, _ in first })
        let newCategories = Dictionary(after.failures.map { ($0.id, $0.category) }, uniquingKeysWith: { first, _ in first })
        var moves: [Pair: Int] = [:]
        for (id, to) in newCategories {
            if let from = oldCategories[id], from != to { moves[Pair(from: from, to: to), default: 0] += 1 }
        }
        let reclassified = moves.map { Reclassification(from: $0.key.from, to: $0.key.to, count: $0.value) }
            .sorted { ($0.count, $1.from.rawValue, $1.to.rawValue) > ($1.count, $0.from.rawValue, $0.to.rawValue) }

        var movementBalance: [MRRMovement: Int] = [:]
        for movement in after.movements { movementBalance[movement, default: 0] += 1 }
        for movement in before.movements { movementBalance[movement, default: 0] -= 1 }

        let oldCases = Dictionary(before.cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newCases = Dictionary(after.cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let opened = newCases.keys.filter { oldCases[$0] == nil }.count
        let changed = newCases.filter { id, new in oldCases[id].map { !Rebuild.differences(from: $0, to: new).isEmpty } ?? false }

        return RebuildSummary(
            run: run, reclassified: reclassified,
            failuresAdded: newCategories.keys.filter { oldCategories[$0] == nil }.count,
            failuresRemoved: oldCategories.keys.filter { newCategories[$0] == nil }.count,
            movementsAdded: movementBalance.values.filter { $0 > 0 }.reduce(0, +),
            movementsRemoved: -movementBalance.values.filter { $0 < 0 }.reduce(0, +),
            casesOpened: opened, casesChanged: max(0, changed.count - run.casesNoLongerOpened),
            nrr: monthlyNRR(before: before.report, after: after.report, now: now, months: months)
        )
    }

    struct Pair: Hashable {
        var from: FailureCategory
        var to: FailureCategory
    }

    static func monthlyNRR(before: ReportInput, after: ReportInput, now: Int64, months: Int) -> [MonthNRR] {
        var rows: [MonthNRR] = []
        for offset in stride(from: -(months - 1), through: 0, by: 1) {
            let from = ReportDate.monthStart(now, adding: offset)
            let period = ReportPeriod(from: from, to: ReportDate.monthStart(now, adding: offset + 1))
            let old = totals(before, period: period)
            let new = totals(after, period: period)
            for currency in Set(old.keys).union(new.keys).sorted() {
                rows.append(MonthNRR(month: ReportDate.month(from), currency: currency, before: old[currency]?.nrr, after: new[currency]?.nrr))
            }
        }
        return rows
    }

    static func totals(_ input: ReportInput, period: ReportPeriod) -> [String: NRRFigures] {
        guard let report = try? NRRReportBuilder.build(input, query: ReportQuery(period: period, grouping: .none)) else { return [:] }
        return Dictionary(report.totals.map { ($0.currency, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
