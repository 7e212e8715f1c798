import LifelineCore
import LifelineStore

/// The writer's per-webhook reads, each selecting its table's `ColumnSQL.selection`.
enum LoadSQL {
    static let customer = "SELECT \(CustomerRecord.columnSQL.selection) FROM customers WHERE id = ?"
    static let subscription = "SELECT \(SubscriptionRecord.columnSQL.selection) FROM subscriptions WHERE id = ?"
    static let invoice = "SELECT \(InvoiceRecord.columnSQL.selection) FROM invoices WHERE id = ?"
    static let latestFailureOfPayment =
        "SELECT \(PaymentFailureRecord.columnSQL.selection) FROM paymentFailures WHERE paymentID = ? ORDER BY occurredAt DESC LIMIT 1"
    static let latestFailureOfInvoice =
        "SELECT \(PaymentFailureRecord.columnSQL.selection) FROM paymentFailures WHERE invoiceID = ? ORDER BY occurredAt DESC LIMIT 1"
    static let customerMRR = "SELECT COALESCE(SUM(mrr), 0) FROM subscriptions WHERE customerID = ? AND currency = ?"
    /// The customer's MRR in a currency and whether they ever had any, in one statement.
    static let customerMRRAndHistory = """
        SELECT COALESCE((SELECT SUM(mrr) FROM subscriptions WHERE customerID = ?1 AND currency = ?2), 0),
               EXISTS(SELECT 1 FROM mrrMovements WHERE customerID = ?1 AND currency = ?2)
        """
    static let runningCases =
        "SELECT \(RecoveryCase.columnSQL.selection) FROM cases WHERE customerID = ? AND status IN ('open', 'acting') ORDER BY openedAt"
    static let caseActions = "SELECT \(RecoveryAction.columnSQL.selection) FROM actions WHERE caseID = ? ORDER BY createdAt, id"
    static let recentFailures =
        "SELECT \(PaymentFailureRecord.columnSQL.selection) FROM paymentFailures WHERE customerID = ? ORDER BY occurredAt DESC LIMIT \(RecoveryLoad.historyLimit)"
    static let recentInvoices = "SELECT \(InvoiceRecord.columnSQL.selection) FROM invoices WHERE customerID = ? ORDER BY createdAt DESC LIMIT \(RecoveryLoad.historyLimit)"
    static let eventExists = "SELECT EXISTS(SELECT 1 FROM events WHERE provider = ? AND eventID = ?)"
}
