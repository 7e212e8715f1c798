/// A financing partner's API: where offers go and the `whsec_` secret that signs them.
public struct PartnerEndpoint: Sendable, Hashable {
    public var url: String
    public var secret: String

    public init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }
}

/// Never print the signing secret, even by accident in a log line.
extension PartnerEndpoint: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "PartnerEndpoint(url: \(url), secret: [redacted])" }
    public var debugDescription: String { description }
}

/// Where actions are delivered and how hard the dispatcher tries.
public struct OutboundSettings: Sendable, Hashable {
    /// Financing partners by the name playbooks use as an action's `target`.
    public var partners: [String: PartnerEndpoint]
    public var dunningURL: String?
    public var stripeAPIBase: String
    public var stripeAPIKey: String?
    /// Time allowed until the response head arrives (and again for its body).
    public var requestTimeoutSeconds: Int64
    /// Tries before an action that keeps failing temporarily becomes a dead letter.
    public var maxAttempts: Int
    public var backoffBaseSeconds: Int64
    public var backoffMaxSeconds: Int64
    public var pollIntervalMilliseconds: Int
    /// Actions claimed, and delivered concurrently, per poll.
    public var batchSize: Int
    /// How long a claim holds; longer than a request so two dispatchers never overlap.
    public var leaseSeconds: Int64
    /// Every other configured secret (provider secrets, admin tokens, …), scrubbed from errors too.
    public var otherSecrets: [String] = []

    public init(
        partners: [String: PartnerEndpoint] = [:], dunningURL: String? = nil,
        stripeAPIBase: String = "https://api.stripe.com", stripeAPIKey: String? = nil,
        requestTimeoutSeconds: Int64 = 10, maxAttempts: Int = 8, backoffBaseSeconds: Int64 = 30,
        backoffMaxSeconds: Int64 = 3_600, pollIntervalMilliseconds: Int = 1_000, batchSize: Int = 16,
        leaseSeconds: Int64 = 60
    ) {
        self.partners = partners
        self.dunningURL = dunningURL
        self.stripeAPIBase = stripeAPIBase
        self.stripeAPIKey = stripeAPIKey
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxAttempts = maxAttempts
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffMaxSeconds = backoffMaxSeconds
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.batchSize = batchSize
        self.leaseSeconds = leaseSeconds
    }

    /// Every secret the settings hold, for scrubbing error text.
    public var secrets: [String] {
        partners.values.map(\.secret) + [stripeAPIKey].compactMap { $0 } + otherSecrets
    }
}

/// Keeps the Stripe key and partner secrets out of logs.
extension OutboundSettings: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        let partnerList = partners.keys.sorted().map { "\($0): \(partners[$0]!.url)" }.joined(separator: ", ")
        return "OutboundSettings(partners: [\(partnerList)], dunningURL: \(dunningURL ?? "none"), "
            + "stripeAPIBase: \(stripeAPIBase), stripeAPIKey: \(stripeAPIKey == nil ? "none" : "[redacted]"), "
            + "maxAttempts: \(maxAttempts), backoff: \(backoffBaseSeconds)…\(backoffMaxSeconds) s)"
    }
    public var debugDescription: String { description }
}
