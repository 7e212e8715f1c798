import LifelineCore

/// Which part of a list to read: cursor pagination in the list's own stable order (newest first,
/// the id breaking ties), optionally within a time window. Every list of the admin API and the
/// store protocols take one, so both stores page alike.
public struct PageRequest: Sendable, Equatable {
    /// What the API serves when no `limit` is given, and the most it serves in one page.
    public static let defaultLimit = 100
    public static let maximumLimit = 1_000

    /// Items in the page; nil reads to the end (the CLI, internal callers).
    public var limit: Int?
    /// The id of the item the previous page ended with; the page starts right after it. It names
    /// an item of the list whatever the filters: one whose status has changed since still marks
    /// the place.
    public var startingAfter: String?
    /// The list's own time (a case's opening, an action's creation, an attempt's start, a
    /// failure's time), from `from` included to `to` excluded, in Unix seconds.
    public var from: Int64?
    public var to: Int64?

    public init(limit: Int? = nil, startingAfter: String? = nil, from: Int64? = nil, to: Int64? = nil) {
        self.limit = limit
        self.startingAfter = startingAfter
        self.from = from
        self.to = to
    }

    /// Every item, in the list's order.
    public static let everything = PageRequest()

    /// The rows to fetch: one more than the page holds tells whether more follow.
    public var fetchLimit: Int64? { limit.map { Int64($0) + 1 } }

    /// The page out of `fetchLimit` rows at most.
    public func page<Item>(_ rows: [Item]) -> Page<Item> {
        guard let limit, rows.count > limit else { return Page(items: rows, hasMore: false) }
        return Page(items: Array(rows.prefix(limit)), hasMore: true)
    }
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// More items follow the last one: ask again with `starting_after` set to its id.
    public var hasMore: Bool

    public init(items: [Item], hasMore: Bool) {
        self.items = items
        self.hasMore = hasMore
    }
}

extension Page: Equatable where Item: Equatable {}

/// `startingAfter` names no item of that list (never existed, or removed since).
public struct UnknownCursor: Error, Equatable, CustomStringConvertible {
    public var id: String

    public init(_ id: String) { self.id = id }

    public var description: String { "starting_after names no item of this list: '\(id)'" }
}

/// A delivery attempt with the id its store gave it: the cursor of the attempts list (attempt
/// numbers start again when finance ops send an action back).
public struct StoredAttempt: Sendable, Equatable {
    public var id: Int64
    public var attempt: DeliveryAttempt

    public init(id: Int64, attempt: DeliveryAttempt) {
        self.id = id
        self.attempt = attempt
    }
}

/// The paged lists of the recovery log and the projector, as both stores serve them.
public protocol PagedListStore: Sendable {
    /// Cases, newest opened first (id descending on ties).
    func cases(status: CaseStatus?, category: FailureCategory?, page: PageRequest) async throws -> Page<RecoveryCase>
    /// Outbox actions, newest created first (id descending on ties).
    func actions(status: ActionStatus?, page: PageRequest) async throws -> Page<RecoveryAction>
    /// One action's delivery attempts, newest first; nil when there is no such action.
    func attempts(actionID: String, page: PageRequest) async throws -> Page<StoredAttempt>?
    /// Unresolved projection failures, newest (highest log position) first.
    func projectionFailures(page: PageRequest) async throws -> Page<ProjectionFailure>
    /// Customers' names by id, for exports; customers without a name are left out.
    func customerNames(ids: Set<String>) async throws -> [String: String]
}

extension PagedListStore {
    /// Every case, newest opened first.
    public func cases(status: CaseStatus?, category: FailureCategory?) async throws -> [RecoveryCase] {
        try await cases(status: status, category: category, page: .everything).items
    }

    /// Every action, oldest created first (the order the outbox plans them in).
    public func actions(status: ActionStatus?) async throws -> [RecoveryAction] {
        try await actions(status: status, page: .everything).items.reversed()
    }

    /// Every attempt of one action, oldest first; none for an unknown action.
    public func attempts(actionID: String) async throws -> [DeliveryAttempt] {
        try await attempts(actionID: actionID, page: .everything)?.items.reversed().map(\.attempt) ?? []
    }
}
