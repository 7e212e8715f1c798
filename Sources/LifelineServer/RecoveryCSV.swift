import LifelineCore
import LifelineStore

/// The CSV forms of the admin API's lists, through the one `CSVWriter`: amounts in minor units
/// with the decimal amount beside them (`…_decimal`), times in Unix seconds with the ISO 8601
/// UTC time beside them (`…_iso`), customers' names, and every text cell neutralised against
/// spreadsheet formulas.
enum RecoveryCSV {
    static func cases(_ cases: [RecoveryCase], names: [String: String]) -> String {
        var writer = CSVWriter(header: [
            "id", "customer_id", "customer_name", "currency", "status", "category", "mrr_at_risk", "mrr_at_risk_decimal",
            "amount_due", "amount_due_decimal", "stress_score", "stress_reasons", "invoice_ids",
        ] + timeHeader("opened_at", "acting_at", "recovered_at", "lost_at", "closed_at")
            + ["attributed_action_id", "attributed_action_kind"])
        for item in cases {
            writer.row(
                [
                    .text(item.id), .text(item.customerID), .text(names[item.customerID]), .text(item.currency),
                    .text(item.status.rawValue), .text(item.category.rawValue),
                    .integer(item.mrrAtRisk), .decimal(item.mrrAtRisk, currency: item.currency),
                    .integer(item.amountDue), .decimal(item.amountDue, currency: item.currency),
                    .integer(item.stressScore), .text(item.stressReasons.joined(separator: "; ")),
                    .text(item.invoiceIDs.joined(separator: " ")),
                ] + times(item.openedAt, item.actingAt, item.recoveredAt, item.lostAt, item.closedAt)
                    + [.text(item.attributedActionID), .text(item.attributedActionKind?.rawValue)]
            )
        }
        return writer.text
    }

    static func actions(_ actions: [RecoveryAction], names: [String: String]) -> String {
        var writer = CSVWriter(header: [
            "id", "case_id", "customer_id", "customer_name", "invoice_id", "kind", "target", "status", "reason", "attempts",
        ] + timeHeader("created_at", "due_at", "next_attempt_at", "delivered_at") + ["last_error"])
        for action in actions {
            writer.row(
                [
                    .text(action.id), .text(action.caseID), .text(action.customerID), .text(names[action.customerID]),
                    .text(action.invoiceID), .text(action.kind.rawValue), .text(action.target), .text(action.status.rawValue),
                    .text(action.reason), .integer(action.attempts),
                ] + times(action.createdAt, action.dueAt, action.nextAttemptAt, action.deliveredAt) + [.text(action.lastError)]
            )
        }
        return writer.text
    }

    static func attempts(_ attempts: [StoredAttempt]) -> String {
        var writer = CSVWriter(header: [
            "id", "action_id", "attempt",
        ] + timeHeader("started_at") + ["latency_milliseconds", "http_status", "outcome", "error"])
        for stored in attempts {
            let attempt = stored.attempt
            writer.row(
                [.integer(stored.id), .text(attempt.actionID), .integer(attempt.attempt)] + times(attempt.startedAt)
                    + [.integer(attempt.latencyMilliseconds), .integer(attempt.httpStatus), .text(attempt.outcome.rawValue), .text(attempt.error)]
            )
        }
        return writer.text
    }

    static func projectionFailures(_ failures: [ProjectionFailure]) -> String {
        var writer = CSVWriter(header: ["seq", "provider", "event_id", "error"] + timeHeader("failed_at") + ["attempts"])
        for failure in failures {
            writer.row(
                [.integer(failure.seq), .text(failure.provider), .text(failure.eventID), .text(failure.error)]
                    + times(failure.failedAt) + [.integer(failure.attempts)]
            )
        }
        return writer.text
    }

    /// `name`, `name_iso` for each time column.
    static func timeHeader(_ names: String...) -> [String] {
        names.flatMap { [$0, $0 + "_iso"] }
    }

    static func times(_ values: Int64?...) -> [CSVCell] {
        values.flatMap { [CSVCell.integer($0), CSVCell.time($0)] }
    }
}
