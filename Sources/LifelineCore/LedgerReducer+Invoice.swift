extension LedgerReducer {
    /// Invoices only move forward: a settled invoice (paid, void, uncollectible) never reopens
    /// because an older event arrives late.
    func applyInvoice(_ event: BillingEvent, _ state: LedgerState, _ changes: inout LedgerChanges) {
        guard let info = event.invoice else {
            if event.type == .paymentFailed || event.type == .paymentSucceeded { return }
            changes.notes.append("invoice event without an invoice object")
            return
        }
        let incomingStatus = status(for: event.type, reported: info.status)
        let attempt = event.payment?.attempt ?? 0
        guard var invoice = state.invoice else {
            changes.invoice = InvoiceRecord(
                id: info.id, customerID: event.customer.id, subscriptionID: info.subscriptionID,
                currency: info.currency, amountDue: info.amountDue, amountPaid: info.amountPaid,
                amountRemaining: incomingStatus == .paid ? 0 : info.amountRemaining, status: incomingStatus,
                attempts: attempt, dueAt: info.dueAt, paidAt: incomingStatus == .paid ? event.occurredAt : nil,
                createdAt: event.occurredAt, lastEventAt: event.occurredAt
            )
            return
        }
        invoice.attempts = max(invoice.attempts, attempt)
        invoice.subscriptionID = invoice.subscriptionID ?? info.subscriptionID
        invoice.createdAt = min(invoice.createdAt, event.occurredAt)
        if Self.accepts(incomingStatus, at: event.occurredAt, over: invoice) {
            invoice.status = incomingStatus
            invoice.amountDue = info.amountDue
            invoice.amountPaid = info.amountPaid
            invoice.amountRemaining = incomingStatus == .paid ? 0 : info.amountRemaining
            invoice.dueAt = info.dueAt ?? invoice.dueAt
            invoice.lastEventAt = event.occurredAt
            if incomingStatus == .paid { invoice.paidAt = event.occurredAt }
        } else {
            changes.notes.append("invoice \(info.id) stays \(invoice.status.rawValue): \(incomingStatus.rawValue) at \(event.occurredAt) is older")
        }
        changes.invoice = invoice
    }

    /// The status an event implies, whatever the provider's object still says.
    func status(for type: BillingEventType, reported: InvoiceStatus) -> InvoiceStatus {
        switch type {
        case .paymentSucceeded: .paid
        case .invoiceUncollectible: .uncollectible
        case .invoiceVoided: .void
        case .paymentFailed, .paymentChargedBack: reported == .draft ? .open : reported
        default: reported
        }
    }

    static func isSettled(_ status: InvoiceStatus) -> Bool {
        status == .paid || status == .void || status == .uncollectible
    }

    /// Newer events win, except that an unsettled status never replaces a settled one.
    static func accepts(_ incoming: InvoiceStatus, at time: Int64, over invoice: InvoiceRecord) -> Bool {
        if isSettled(invoice.status) && !isSettled(incoming) { return false }
        if !isSettled(invoice.status) && isSettled(incoming) { return true }
        return time >= invoice.lastEventAt
    }
}
