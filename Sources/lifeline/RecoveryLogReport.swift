import LifelineCLI
import LifelineCore
import LifelineStore

/// The recovery log as terminal tables: what `lifeline cases` and the demo print.
enum RecoveryLogReport {
    static func cases(_ cases: [RecoveryCase]) -> String {
        var table = TextTable("case", "customer", "category", "stress", "MRR at risk", "due", "status", "saved by")
        for item in cases {
            table.add(
                item.id, item.customerID, item.category.rawValue, "\(item.stressScore)/100",
                Money(item.mrrAtRisk, item.currency).description, Money(item.amountDue, item.currency).description,
                item.status.rawValue, item.attributedActionKind?.rawValue ?? ""
            )
        }
        return table.render()
    }

    static func timeline(_ detail: CaseDetail) -> String {
        let item = detail.recoveryCase
        var lines = [
            "Case \(item.id) — \(detail.customer?.name ?? item.customerID) (\(item.customerID))",
            "status \(item.status.rawValue), \(item.category.rawValue), stress \(item.stressScore)/100, MRR at risk \(Money(item.mrrAtRisk, item.currency))",
        ]
        if !item.stressReasons.isEmpty { lines.append("why: " + item.stressReasons.joined(separator: "; ")) }
        lines.append("")
        var timeline = TextTable("when", "what", "detail")
        for entry in detail.timeline {
            timeline.add(LedgerReport.dateTime(entry.at), entry.kind, entry.summary)
        }
        lines.append(timeline.render())
        lines.append("")
        var actions = TextTable("action", "kind", "target", "status", "tries", "last error")
        for action in detail.actions {
            actions.add(action.id, action.kind.rawValue, action.target ?? "", action.status.rawValue, String(action.attempts), action.lastError ?? "")
        }
        lines.append(actions.render())
        return lines.joined(separator: "\n")
    }
}
