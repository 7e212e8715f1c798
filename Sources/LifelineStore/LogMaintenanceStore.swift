import LifelineCore

/// What keeps the ever-growing log lawful and small: raw bodies dropped after their retention
/// (`storage.raw_retention_days`) and a customer's personal data erased (`lifeline forget`).
/// Normalized events, amounts and ids stay, so a rebuild and the reports still hold.
public protocol LogMaintenanceStore: Sendable {
    /// Empties the raw body and headers of every delivery received before `cutoff`, except
    /// partner callbacks (a rebuild applies them from their body). Returns how many were dropped.
    func dropRawBodies(receivedBefore cutoff: Int64, now: Int64) async throws -> Int
    /// In one transaction, erases the customer's personal data (`PersonalData`) from the log's
    /// normalized events, the raw bodies of its deliveries (dropped), the ledger, the action
    /// payloads and the case timelines, and records the erasure. Repeatable.
    func forget(customerID: String, now: Int64) async throws -> ErasureReport
    /// Each delivery's raw part as kept, oldest first.
    func rawDeliveries() async throws -> [RawDelivery]
}

/// A delivery's raw body and headers as the log keeps them.
public struct RawDelivery: Sendable, Equatable {
    public var id: Int64
    public var provider: String
    public var receivedAt: Int64
    public var headers: String
    public var body: [UInt8]
    /// When the raw part was dropped, and why; nil while it is kept.
    public var droppedAt: Int64?
    public var dropReason: RawDropReason?

    public init(id: Int64, provider: String, receivedAt: Int64, headers: String, body: [UInt8], droppedAt: Int64?, dropReason: RawDropReason?) {
        self.id = id
        self.provider = provider
        self.receivedAt = receivedAt
        self.headers = headers
        self.body = body
        self.droppedAt = droppedAt
        self.dropReason = dropReason
    }
}

public enum RawDropReason: String, Sendable, Equatable, Codable {
    /// Older than `storage.raw_retention_days`.
    case retention
    /// A customer whose events it carried was forgotten.
    case erasure
}

/// What `forget` changed.
public struct ErasureReport: Sendable, Equatable, Codable {
    /// The customer was in the ledger or the log.
    public var found = false
    public var events = 0
    public var rawBodies = 0
    public var subscriptions = 0
    public var actions = 0
    public var timelineEntries = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case found, events, subscriptions, actions
        case rawBodies = "raw_bodies"
        case timelineEntries = "timeline_entries"
    }
}
