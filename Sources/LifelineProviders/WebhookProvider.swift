import LifelineCore

/// Header names lowercased, values as received.
public struct WebhookHeaders: Sendable {
    private var values: [String: String]

    public init(_ pairs: [(String, String)]) {
        var values: [String: String] = [:]
        for (name, value) in pairs { values[name.lowercased()] = value }
        self.values = values
    }

    public subscript(_ name: String) -> String? { values[name.lowercased()] }
}

/// One payment provider: how its webhooks are signed and how its JSON maps to BillingEvent.
public protocol WebhookProvider: Sendable {
    var name: ProviderName { get }
    /// Headers worth keeping beside the raw body (never secrets).
    var headersToStore: [String] { get }
    /// Checks the signature over the raw bytes; throws `WebhookRejection.unauthorized`.
    func verify(body: [UInt8], headers: WebhookHeaders, now: Int64) throws(WebhookRejection)
    /// Parses a verified body; throws `WebhookRejection.malformed`.
    func normalize(body: [UInt8]) throws(WebhookRejection) -> NormalizedDelivery
}
