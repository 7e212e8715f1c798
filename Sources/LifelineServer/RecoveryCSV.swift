import LifelineCore

/// The CSV forms of the recovery log's lists.
enum RecoveryCSV {
    static func cases(_ cases: [RecoveryCase]) -> String {
        var rows = [[
            "id", "customer_id", "currency", "status", "category", "mrr_at_risk", "amount_due", "stress_score",
            "stress_reasons", "invoice_ids", "opened_at", "acting_at", "recovered_at", "lost_at", "closed_at",
            "attributed_action_id", "attributed_action_kind",
        ]]
        for item in cases {
            rows.append([
                item.id, item.customerID, item.currency, item.status.rawValue, item.category.rawValue,
                String(item.mrrAtRisk), String(item.amountDue), String(item.stressScore),
                item.stressReasons.joined(separator: "; "), item.invoiceIDs.joined(separator: " "),
                String(item.openedAt), optional(item.actingAt), optional(item.recoveredAt), optional(item.lostAt),
                optional(item.closedAt), item.attributedActionID ?? "", item.attributedActionKind?.rawValue ?? "",
            ])
        }
        return CSVText.render(rows)
    }

    static func actions(_ actions: [RecoveryAction]) -> String {
        var rows = [[
            "id", "case_id", "customer_id", "invoice_id", "kind", "target", "status", "reason", "due_at", "attempts",
            "next_attempt_at", "delivered_at", "last_error",
        ]]
        for action in actions {
            rows.append([
                action.id, action.caseID, action.customerID, action.invoiceID ?? "", action.kind.rawValue,
                action.target ?? "", action.status.rawValue, action.reason, String(action.dueAt), String(action.attempts),
                String(action.nextAttemptAt), optional(action.deliveredAt), action.lastError ?? "",
            ])
        }
        return CSVText.render(rows)
    }

    static func optional(_ value: Int64?) -> String { value.map(String.init) ?? "" }
}

/// RFC 4180: quote a field when it holds a comma, quote or line break; double inner quotes.
enum CSVText {
    static func render(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
