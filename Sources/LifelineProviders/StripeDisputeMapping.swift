import LifelineCore

/// Maps `charge.dispute.created`: the customer contested a payment.
enum StripeDisputeMapping {
    /// Placeholder customer id when a dispute names none (see `customer`).
    static let unknownCustomerID = "unknown"

    static func disputeOpened(id: String, occurredAt: Int64, dispute: StripeObject) throws(WebhookRejection) -> BillingEvent {
        try dispute.expectKind("dispute")
        let charge = try dispute.optionalReference("charge")?.expanded
        let invoiceID = try charge?.optionalReference("invoice")?.id
        return BillingEvent(
            id: id, type: .disputeOpened, occurredAt: occurredAt,
            customer: try customer(dispute, charge: charge),
            dispute: DisputeInfo(
                id: try dispute.string("id"), amount: try dispute.amount("amount"),
                currency: try dispute.string("currency"), reason: try dispute.optionalString("reason"),
                invoiceID: invoiceID
            )
        )
    }

    /// A dispute object has no `customer`. In order: the expanded charge's customer; then the
    /// dispute's `metadata.customer` / `metadata.customer_id` (integrations often copy it there);
    /// else `"unknown"`, because refusing the webhook would make Stripe retry it forever while
    /// the dispute itself is still worth recording. Names come from the dispute's evidence.
    static func customer(_ dispute: StripeObject, charge: StripeObject?) throws(WebhookRejection) -> CustomerInfo {
        let evidence = try dispute.optionalObject("evidence")
        let email = try evidence?.optionalString("customer_email_address")
        let name = try evidence?.optionalString("customer_name")
        if let reference = try charge?.optionalReference("customer") {
            return try StripeCustomerMapping.customer(reference, email: email, name: name)
        }
        let metadata = dispute.stringMetadata()
        let id = metadata["customer"] ?? metadata["customer_id"] ?? unknownCustomerID
        return CustomerInfo(id: id, email: email, name: name)
    }
}
