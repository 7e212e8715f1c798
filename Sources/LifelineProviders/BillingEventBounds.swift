import LifelineCore

/// Ranges every normalized event must fit so the ledger's integer arithmetic cannot overflow
/// (an overflow traps and would take the whole server down).
enum BillingEventBounds {
    /// 10^12 minor units: ten billion euros in cents, far above any real invoice.
    static let maximumAmount: Int64 = 1_000_000_000_000
    /// 1970-01-01 … 9999-12-31 23:59:59 UTC.
    static let timestamps: ClosedRange<Int64> = 0...253_402_300_799
    /// Stripe allows at most three years between billings; 1,000 days, weeks or months is plenty.
    static let intervalCounts: ClosedRange<Int64> = 1...1_000
    static let attempts: ClosedRange<Int> = 1...10_000

    static func check(_ event: BillingEvent) throws(WebhookRejection) {
        try timestamp(event.occurredAt, "occurred_at")
        if let invoice = event.invoice {
            for amount in [invoice.amountDue, invoice.amountPaid, invoice.amountRemaining] { try self.amount(amount, "invoice amount") }
            for (time, field) in [(invoice.dueAt, "invoice.due_at"), (invoice.periodStart, "invoice.period_start"), (invoice.periodEnd, "invoice.period_end")] {
                if let time { try timestamp(time, field) }
            }
        }
        if let payment = event.payment {
            try amount(payment.amount, "payment.amount")
            if let attempt = payment.attempt, !attempts.contains(attempt) {
                throw .malformed("payment.attempt must be between 1 and \(attempts.upperBound), got \(attempt)")
            }
            if let next = payment.nextAttemptAt { try timestamp(next, "payment.next_attempt_at") }
        }
        if let subscription = event.subscription {
            for (index, item) in subscription.items.enumerated() {
                let (total, overflow) = item.unitAmount.multipliedReportingOverflow(by: item.quantity)
                guard !overflow, total <= maximumAmount else {
                    throw .malformed("subscription.items[\(index)]: unit_amount × quantity must not exceed \(maximumAmount)")
                }
                guard intervalCounts.contains(item.intervalCount) else {
                    throw .malformed("subscription.items[\(index)].interval_count must be between 1 and \(intervalCounts.upperBound), got \(item.intervalCount)")
                }
            }
            if let amountOff = subscription.discount?.amountOff { try amount(amountOff, "subscription.discount.amount_off") }
            if let trialEnd = subscription.trialEnd { try timestamp(trialEnd, "subscription.trial_end") }
            if let startedAt = subscription.startedAt { try timestamp(startedAt, "subscription.started_at") }
        }
        if let dispute = event.dispute { try amount(dispute.amount, "dispute.amount") }
    }

    static func amount(_ value: Int64, _ field: String) throws(WebhookRejection) {
        guard value <= maximumAmount else { throw .malformed("\(field) must not exceed \(maximumAmount) minor units, got \(value)") }
    }

    static func timestamp(_ value: Int64, _ field: String) throws(WebhookRejection) {
        guard timestamps.contains(value) else {
            throw .malformed("\(field) must be a Unix time between 1970 and 9999, got \(value)")
        }
    }
}
