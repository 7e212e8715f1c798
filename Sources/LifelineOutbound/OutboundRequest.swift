import LifelineCore

/// One HTTP call an action turns into, built before anything is sent.
public struct OutboundRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Who is called, for error messages: `partner acme`, `dunning service`, `Stripe`.
    public var peer: String

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8], peer: String) {
        self.url = url
        self.headers = headers
        self.body = body
        self.peer = peer
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What delivering an action takes.
public enum DeliveryPlan: Sendable {
    case http(OutboundRequest)
    /// Nothing to send: the action is delivered by being recorded (notify_ops).
    case noCall
    /// It can never be sent as configured: a dead letter with this reason.
    case misconfigured(String)
}
