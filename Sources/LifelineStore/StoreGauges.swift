import LifelineCore

/// The store's side of `/metrics`: what is waiting and where, counted in one read. Every
/// value is a count or an age; no id, name or amount leaves the store this way.
public struct StoreGauges: Sendable, Equatable {
    /// Outbox actions of one kind in one status.
    public struct Outbox: Sendable, Equatable {
        public var kind: ActionKind
        public var status: ActionStatus
        public var count: Int
        /// Seconds the oldest of them has waited: since it became due (`next_attempt_at`) for
        /// pending and leased actions, 0 while none is due yet; since it died (`updated_at`)
        /// for dead ones; nil for delivered and cancelled, which wait for nothing.
        public var oldestAgeSeconds: Int64?

        public init(kind: ActionKind, status: ActionStatus, count: Int, oldestAgeSeconds: Int64?) {
            self.kind = kind
            self.status = status
            self.count = count
            self.oldestAgeSeconds = oldestAgeSeconds
        }
    }

    /// Recovery cases of one status and failure category.
    public struct Cases: Sendable, Equatable {
        public var status: CaseStatus
        public var category: FailureCategory
        public var count: Int

        public init(status: CaseStatus, category: FailureCategory, count: Int) {
            self.status = status
            self.category = category
            self.count = count
        }
    }

    public var projection: ProjectionStatus
    /// Only the (kind, status) pairs that have actions; a missing pair counts 0.
    public var outbox: [Outbox]
    /// Only the (status, category) pairs that have cases; a missing pair counts 0.
    public var cases: [Cases]

    public init(projection: ProjectionStatus, outbox: [Outbox], cases: [Cases]) {
        self.projection = projection
        self.outbox = outbox
        self.cases = cases
    }

    /// The outbox row's age from the grouped columns both stores read: the earliest
    /// `next_attempt_at` among due actions (pending, leased) and the earliest `updated_at` (dead).
    public static func oldestAge(status: ActionStatus, earliestDue: Int64?, earliestUpdate: Int64?, now: Int64) -> Int64? {
        switch status {
        case .pending, .leased: earliestDue.map { max(0, now - $0) } ?? 0
        case .dead: earliestUpdate.map { max(0, now - $0) } ?? 0
        case .delivered, .cancelled: nil
        }
    }
}

/// Reads the gauges of `/metrics`; every store answers it from aggregate queries.
public protocol StoreGaugeSource: Sendable {
    func gauges(now: Int64) async throws -> StoreGauges
}
