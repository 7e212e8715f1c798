/// Applies one normalized event to the ledger state: pure, so it is tested without a database
/// and shared by every store.
public struct LedgerReducer: Sendable {
    public var reasonCodes: ReasonCodeTable

    public init(reasonCodes: ReasonCodeTable) {
        self.reasonCodes = reasonCodes
    }

    /// The events that carry a subscription snapshot; only they read `LedgerState.subscription`,
    /// so a store loads (and decodes) that row for them alone.
    public static let subscriptionTypes: Set<BillingEventType> = [
        .subscriptionCreated, .subscriptionUpdated, .subscriptionPaused, .subscriptionResumed, .subscriptionDeleted,
    ]

    public func apply(_ event: BillingEvent, to state: LedgerState) -> LedgerChanges {
        var changes = LedgerChanges(customer: updatedCustomer(event, state.customer))
        switch event.type {
        case .subscriptionCreated, .subscriptionUpdated, .subscriptionPaused, .subscriptionResumed, .subscriptionDeleted:
            // Exactly `subscriptionTypes`.
            applySubscription(event, state, &changes)
        case .invoiceCreated, .invoiceFinalized, .invoiceUncollectible, .invoiceVoided:
            applyInvoice(event, state, &changes)
        case .paymentSucceeded:
            applyInvoice(event, state, &changes)
            if let amount = event.payment?.amount ?? event.invoice?.amountPaid, amount > 0 {
                let earliest = min(changes.customer.firstPaidAt ?? event.occurredAt, event.occurredAt)
                changes.customer.firstPaidAt = earliest
            }
        case .paymentFailed, .paymentChargedBack:
            applyInvoice(event, state, &changes)
            applyFailure(event, state, &changes)
        case .disputeOpened:
            applyDispute(event, state, &changes)
        case .mandateCancelled:
            changes.notes.append("mandate cancelled for customer \(event.customer.id)")
        }
        return changes
    }

    /// Contact details follow the newest event; first-seen follows the oldest.
    func updatedCustomer(_ event: BillingEvent, _ existing: CustomerRecord?) -> CustomerRecord {
        let info = event.customer
        guard var customer = existing else {
            return CustomerRecord(
                id: info.id, email: info.email, name: info.name, metadata: info.metadata,
                segment: info.metadata["segment"], firstSeenAt: event.occurredAt, lastEventAt: event.occurredAt
            )
        }
        customer.firstSeenAt = min(customer.firstSeenAt, event.occurredAt)
        if event.occurredAt >= customer.lastEventAt {
            customer.lastEventAt = event.occurredAt
            customer.email = info.email ?? customer.email
            customer.name = info.name ?? customer.name
            customer.metadata.merge(info.metadata) { _, new in new }
        } else {
            customer.metadata.merge(info.metadata) { old, _ in old }
            customer.email = customer.email ?? info.email
            customer.name = customer.name ?? info.name
        }
        customer.segment = customer.metadata["segment"]
        return customer
    }
}
