import GRDB

/// What `lifeline bench` prints to show the figures were taken with durable commits.
extension SQLiteStore {
    /// Batches committed by the group-commit writer so far.
    public var groupCommitStatistics: GroupCommitStatistics { writer.statistics }

    /// Calls `observer` after each turn of the group-commit writer (`/metrics`), on the writer's
    /// thread: it must not block.
    public func observeGroupCommits(_ observer: @escaping @Sendable (GroupCommitTurn) -> Void) {
        writer.observe(observer)
    }

    /// `journal_mode` and `synchronous` as the writer connection has them (2 = FULL).
    public func durabilitySettings() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }
}
