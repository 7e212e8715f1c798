/// Why a webhook was refused; each maps to one HTTP status.
public enum WebhookRejection: Error, Sendable, Equatable {
    /// Missing, malformed or wrong signature, or a stale timestamp → 401.
    case unauthorized(String)
    /// The body is not what the provider's format says → 400.
    case malformed(String)

    public var detail: String {
        switch self {
        case .unauthorized(let detail), .malformed(let detail): detail
        }
    }
}

/// The result of normalizing one verified webhook body.
public struct NormalizedDelivery: Sendable, Equatable {
    /// Every event the body carries (GoCardless batches several).
    public var events: [ProviderEvent]

    public init(events: [ProviderEvent]) {
        self.events = events
    }
}

/// One provider event: its id and type as the provider spells them, and its normalized
/// form, or nil when Lifeline does not act on that type (stored and ignored).
public struct ProviderEvent: Sendable, Equatable {
    public var id: String
    public var providerType: String
    public var occurredAt: Int64
    public var normalized: BillingEvent?

    public init(id: String, providerType: String, occurredAt: Int64, normalized: BillingEvent?) {
        self.id = id
        self.providerType = providerType
        self.occurredAt = occurredAt
        self.normalized = normalized
    }
}
