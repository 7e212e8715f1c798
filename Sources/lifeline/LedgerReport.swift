import Foundation
import LifelineCLI
import LifelineCore
import LifelineStore

/// The ledger as terminal tables: what `lifeline ledger` and the demo print.
enum LedgerReport {
    static func render(_ store: any LifelineStore) async throws -> String {
        let summary = try await store.summary()
        let customers = try await store.customers()
        let subscriptions = try await store.subscriptions()
        let invoices = try await store.invoices()
        let failures = try await store.paymentFailures()
        let movements = try await store.movements()
        var out: [String] = []

        out.append("== Summary")
        out.append("events stored: \(summary.events) (\(summary.ignoredEvents) of types Lifeline ignores)")
        out.append("customers: \(summary.customers), subscriptions with MRR: \(summary.activeSubscriptions)")
        for (currency, mrr) in summary.mrrByCurrency.sorted(by: { $0.key < $1.key }) {
            out.append("MRR \(currency.uppercased()): \(Money(mrr, currency))")
        }

        var customerTable = TextTable("customer", "name", "segment", "cohort", "MRR")
        let mrrByCustomer = Dictionary(grouping: subscriptions, by: \.customerID)
        for customer in customers {
            let subs = mrrByCustomer[customer.id] ?? []
            let mrr = subs.reduce(Int64(0)) { $0 + $1.mrr }
            let currency = subs.first?.currency ?? ""
            customerTable.add(
                customer.id, customer.name ?? "-", customer.segment ?? "(bands)",
                customer.firstPaidAt.map(cohort) ?? "-", currency.isEmpty ? "-" : Money(mrr, currency).description
            )
        }
        out.append("\n== Customers\n" + customerTable.render())

        var subscriptionTable = TextTable("subscription", "customer", "status", "MRR", "ended because")
        for sub in subscriptions {
            subscriptionTable.add(sub.id, sub.customerID, sub.status.rawValue, Money(sub.mrr, sub.currency).description, sub.cancellationReason?.rawValue ?? "")
        }
        out.append("\n== Subscriptions\n" + subscriptionTable.render())

        var invoiceTable = TextTable("invoice", "customer", "status", "due", "remaining", "attempts")
        for invoice in invoices {
            invoiceTable.add(
                invoice.id, invoice.customerID, invoice.status.rawValue, Money(invoice.amountDue, invoice.currency).description,
                Money(invoice.amountRemaining, invoice.currency).description, String(invoice.attempts)
            )
        }
        out.append("\n== Invoices\n" + invoiceTable.render())

        var failureTable = TextTable("when", "customer", "invoice", "amount", "category", "decided by", "codes")
        for failure in failures {
            let codes = [failure.adviceCode, failure.declineCode, failure.bankReasonCode, failure.failureCode]
                .compactMap { $0 }.joined(separator: ",")
            failureTable.add(
                date(failure.occurredAt), failure.customerID, failure.invoiceID ?? "-", Money(failure.amount, failure.currency).description,
                failure.category.rawValue, failure.decidedBy ?? "unknown code", codes
            )
        }
        out.append("\n== Payment failures\n" + failureTable.render())

        var movementTable = TextTable("when", "customer", "kind", "MRR before", "MRR after", "delta")
        for movement in movements {
            movementTable.add(
                date(movement.occurredAt), movement.customerID, movement.kind.rawValue,
                Money(movement.mrrBefore, movement.currency).description, Money(movement.mrrAfter, movement.currency).description,
                Money(movement.delta, movement.currency).description
            )
        }
        out.append("\n== MRR movements\n" + movementTable.render())
        return out.joined(separator: "\n")
    }

    static func date(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func dateTime(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return String(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))).prefix(16))
    }

    static func cohort(_ seconds: Int64) -> String {
        String(date(seconds).prefix(7))
    }
}
