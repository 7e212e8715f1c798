import LifelineCore

/// Stripe webhooks: `Stripe-Signature` verification and event normalization.
public struct StripeProvider: WebhookProvider {
    public let signature: StripeSignature

    public init(signature: StripeSignature) {
        self.signature = signature
    }

    public var name: ProviderName { .stripe }

    /// `stripe-signature` is derived from the secret, so it is never stored.
    public var headersToStore: [String] { ["content-type", "user-agent"] }

    public func verify(body: [UInt8], headers: WebhookHeaders, now: Int64) throws(WebhookRejection) {
        try signature.verify(body: body, header: headers["stripe-signature"], now: now)
    }

    /// A Stripe body carries exactly one event.
    public func normalize(body: [UInt8]) throws(WebhookRejection) -> NormalizedDelivery {
        // The parse itself refuses repeated keys and deep nesting: the body is read once.
        let event = try StripeNormalizer.event(from: body)
        // Same money, currency and range checks as the other providers.
        if let normalized = event.normalized { try BillingEventValidation.validate(normalized) }
        return NormalizedDelivery(events: [event])
    }
}
