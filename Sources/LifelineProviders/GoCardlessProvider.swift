import LifelineCore

/// GoCardless: hex HMAC `Webhook-Signature` over a batched `{"events": [...]}` body.
public struct GoCardlessProvider: WebhookProvider {
    public let signature: GoCardlessSignature

    public init(signature: GoCardlessSignature) {
        self.signature = signature
    }

    public var name: ProviderName { .gocardless }

    public var headersToStore: [String] { ["content-type", "user-agent", "origin"] }

    /// GoCardless signs the body alone; there is no timestamp to check, so `now` is unused.
    public func verify(body: [UInt8], headers: WebhookHeaders, now: Int64) throws(WebhookRejection) {
        try signature.verify(body: body, header: headers["webhook-signature"])
    }

    /// Mapping rules live in `GoCardlessNormalizer`.
    public func normalize(body: [UInt8]) throws(WebhookRejection) -> NormalizedDelivery {
        try JSONStructureGuard.check(body)
        return try GoCardlessNormalizer.normalize(body: body)
    }
}
