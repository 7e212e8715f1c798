import Foundation
import LifelineCore

/// Turns one Stripe event body into its `ProviderEvent`; pure, no I/O.
enum StripeNormalizer {
    static func event(from body: [UInt8]) throws(WebhookRejection) -> ProviderEvent {
        let tape = try JSONTape.parse(body)
        guard tape.entries[JSONTape.root].kind == .object else {
            throw .malformed("Stripe event body must be a JSON object")
        }
        let envelope = StripeObject(tape, entry: JSONTape.root, path: "")
        let id = try envelope.string("id")
        guard !id.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .malformed("id must not be empty") }
        let type = try envelope.string("type")
        let created = try envelope.integer("created")
        let object = try envelope.object("data").object("object")
        return ProviderEvent(
            id: id, providerType: type, occurredAt: created,
            normalized: try billingEvent(type: type, id: id, occurredAt: created, object: object)
        )
    }

    /// Stripe event type → Lifeline event; nil for types Lifeline does not act on.
    static func billingEvent(
        type: String, id: String, occurredAt: Int64, object: StripeObject
    ) throws(WebhookRejection) -> BillingEvent? {
        if let invoiceType = invoiceTypes[type] {
            return try StripeInvoiceMapping.event(invoiceType, id: id, occurredAt: occurredAt, invoice: object)
        }
        if let subscriptionType = subscriptionTypes[type] {
            return try StripeSubscriptionMapping.event(
                subscriptionType, id: id, occurredAt: occurredAt, subscription: object
            )
        }
        switch type {
        case "charge.failed":
            return try StripePaymentMapping.chargeFailed(id: id, occurredAt: occurredAt, charge: object)
        case "payment_intent.payment_failed":
            return try StripePaymentMapping.paymentIntentFailed(id: id, occurredAt: occurredAt, intent: object)
        case "charge.dispute.created":
            return try StripeDisputeMapping.disputeOpened(id: id, occurredAt: occurredAt, dispute: object)
        default:
            return nil
        }
    }

    static let invoiceTypes: [String: BillingEventType] = [
        "invoice.created": .invoiceCreated,
        "invoice.finalized": .invoiceFinalized,
        "invoice.payment_failed": .paymentFailed,
        "invoice.paid": .paymentSucceeded,
        "invoice.payment_succeeded": .paymentSucceeded,
        "invoice.marked_uncollectible": .invoiceUncollectible,
        "invoice.voided": .invoiceVoided,
    ]

    static let subscriptionTypes: [String: BillingEventType] = [
        "customer.subscription.created": .subscriptionCreated,
        "customer.subscription.updated": .subscriptionUpdated,
        "customer.subscription.paused": .subscriptionPaused,
        "customer.subscription.resumed": .subscriptionResumed,
        "customer.subscription.deleted": .subscriptionDeleted,
    ]
}
