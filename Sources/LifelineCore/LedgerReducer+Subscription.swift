extension LedgerReducer {
    /// A subscription event carries a full snapshot: the newest one wins, and the MRR change
    /// becomes one movement of the customer's total.
    func applySubscription(_ event: BillingEvent, _ state: LedgerState, _ changes: inout LedgerChanges) {
        guard var snapshot = event.subscription else {
            changes.notes.append("subscription event without a subscription object")
            return
        }
        if let existing = state.subscription, existing.lastEventAt > event.occurredAt {
            changes.notes.append("stale snapshot of \(snapshot.id) ignored: ledger is at \(existing.lastEventAt), event at \(event.occurredAt)")
            return
        }
        switch event.type {
        case .subscriptionPaused: snapshot.status = .paused
        case .subscriptionResumed where snapshot.status == .paused: snapshot.status = .active
        case .subscriptionDeleted: snapshot.status = .canceled
        default: break
        }
        let mrr = MRRCalculator.monthly(snapshot)
        let previousMRR = state.subscription?.mrr ?? 0
        let record = SubscriptionRecord(
            id: snapshot.id, customerID: event.customer.id, status: snapshot.status, currency: snapshot.currency,
            mrr: mrr, snapshot: snapshot,
            cancellationReason: snapshot.status == .canceled ? (snapshot.cancellationReason ?? .other) : nil,
            canceledAt: snapshot.status == .canceled ? event.occurredAt : nil,
            lastEventAt: event.occurredAt
        )
        changes.subscription = record

        let before = state.customerMRR
        let after = before - previousMRR + mrr
        let involuntary = record.cancellationReason == .paymentFailed
            || snapshot.status == .incompleteExpired
        if let kind = MovementClassifier.kind(
            before: before, after: after, everHadMRR: state.customerEverHadMRR, involuntary: involuntary
        ) {
            changes.movement = MRRMovement(
                customerID: event.customer.id, subscriptionID: snapshot.id, currency: snapshot.currency,
                kind: kind, mrrBefore: before, mrrAfter: after, occurredAt: event.occurredAt, eventID: event.id
            )
        }
    }
}
