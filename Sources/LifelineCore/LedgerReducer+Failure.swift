extension LedgerReducer {
    /// Providers report one failure several times (invoice, charge, payment intent): a report
    /// within this window on the same invoice enriches the first instead of counting twice.
    static let sameFailureWindow: Int64 = 3_600

    func applyFailure(_ event: BillingEvent, _ state: LedgerState, _ changes: inout LedgerChanges) {
        guard let payment = event.payment else {
            changes.notes.append("payment failure without payment details")
            return
        }
        if var existing = state.relatedFailure, Self.isSameFailure(existing, payment: payment, event: event) {
            existing.failureCode = existing.failureCode ?? payment.failureCode
            existing.declineCode = existing.declineCode ?? payment.declineCode
            existing.adviceCode = existing.adviceCode ?? payment.adviceCode
            existing.bankReasonCode = existing.bankReasonCode ?? payment.bankReasonCode
            existing.paymentID = existing.paymentID ?? payment.id
            existing.attempt = existing.attempt ?? payment.attempt
            existing.nextAttemptAt = existing.nextAttemptAt ?? payment.nextAttemptAt
            existing.invoiceID = existing.invoiceID ?? event.invoiceID
            classify(&existing)
            changes.failure = existing
            return
        }
        var failure = PaymentFailureRecord(
            id: event.id, customerID: event.customer.id, invoiceID: event.invoiceID,
            subscriptionID: event.subscriptionID, paymentID: payment.id, amount: payment.amount,
            currency: payment.currency, attempt: payment.attempt, failureCode: payment.failureCode,
            declineCode: payment.declineCode, adviceCode: payment.adviceCode,
            bankReasonCode: payment.bankReasonCode, category: .technical, decidedBy: nil,
            isUnknownCode: false, nextAttemptAt: payment.nextAttemptAt, occurredAt: event.occurredAt
        )
        classify(&failure)
        if event.type == .paymentChargedBack && failure.isUnknownCode {
            // A chargeback is the payer reversing a collected debit, whatever code came with it.
            failure.category = .voluntaryDispute
            failure.decidedBy = "chargeback"
            failure.isUnknownCode = false
        }
        changes.failure = failure
    }

    func applyDispute(_ event: BillingEvent, _ state: LedgerState, _ changes: inout LedgerChanges) {
        guard let dispute = event.dispute else {
            changes.notes.append("dispute event without a dispute object")
            return
        }
        changes.failure = PaymentFailureRecord(
            id: event.id, customerID: event.customer.id, invoiceID: dispute.invoiceID, subscriptionID: nil,
            paymentID: dispute.id, amount: dispute.amount, currency: dispute.currency, attempt: nil,
            failureCode: dispute.reason, declineCode: nil, adviceCode: nil, bankReasonCode: nil,
            category: .voluntaryDispute, decidedBy: "dispute", isUnknownCode: false, nextAttemptAt: nil,
            occurredAt: event.occurredAt
        )
    }

    func classify(_ failure: inout PaymentFailureRecord) {
        let classification = FailureClassifier.classify(failure.codes, using: reasonCodes)
        failure.category = classification.category
        failure.decidedBy = classification.decidedBy
        failure.isUnknownCode = classification.isUnknown
    }

    static func isSameFailure(_ existing: PaymentFailureRecord, payment: PaymentInfo, event: BillingEvent) -> Bool {
        if let paymentID = payment.id, paymentID == existing.paymentID { return true }
        guard let invoiceID = event.invoiceID, invoiceID == existing.invoiceID else { return false }
        if let attempt = payment.attempt, let known = existing.attempt, attempt != known { return false }
        return abs(event.occurredAt - existing.occurredAt) <= sameFailureWindow
    }
}
