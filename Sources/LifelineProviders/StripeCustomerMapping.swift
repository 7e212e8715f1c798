import LifelineCore

/// Builds `CustomerInfo` from a `customer` field, whether a bare id or an expanded customer.
enum StripeCustomerMapping {
    /// Explicit `email`/`name` (an invoice's `customer_email`/`customer_name`) win over the
    /// expanded customer's; `extraMetadata` (the subscription's) wins over the customer's own,
    /// so a `segment` set on the subscription is the one Lifeline reads.
    static func customer(
        _ reference: StripeReference, email: String? = nil, name: String? = nil,
        extraMetadata: [String: String] = [:]
    ) throws(WebhookRejection) -> CustomerInfo {
        var metadata = reference.expanded?.stringMetadata() ?? [:]
        metadata.merge(extraMetadata) { _, subscriptionValue in subscriptionValue }
        var resolvedEmail = email
        var resolvedName = name
        if let expanded = reference.expanded {
            if resolvedEmail == nil { resolvedEmail = try expanded.optionalString("email") }
            if resolvedName == nil { resolvedName = try expanded.optionalString("name") }
        }
        return CustomerInfo(id: reference.id, email: resolvedEmail, name: resolvedName, metadata: metadata)
    }
}
