import LifelineCore
import LifelineStore
import PostgresNIO

/// The paged lists, as SQLite pages them: keyset pagination in each list's order (newest first,
/// id descending on ties), the time window on the list's own time column; text ids compare with
/// `COLLATE "C"` (bytes, as SQLite does) whatever the database's locale. A filter that is not
/// set binds NULL and drops out.
extension PostgresStore {
    public func cases(status: CaseStatus?, category: FailureCategory?, page: PageRequest) async throws -> Page<RecoveryCase> {
        try await read { session in
            var cursorAt: Int64?
            if let cursor = page.startingAfter {
                cursorAt = try await session.scalar("SELECT opened_at FROM cases WHERE id = \(cursor)", as: Int64.self)
                guard cursorAt != nil else { throw UnknownCursor(cursor) }
            }
            let rows = try await session.all("""
                SELECT * FROM cases
                WHERE (\(status?.rawValue)::TEXT IS NULL OR status = \(status?.rawValue))
                  AND (\(category?.rawValue)::TEXT IS NULL OR category = \(category?.rawValue))
                  AND (\(page.from)::BIGINT IS NULL OR opened_at >= \(page.from))
                  AND (\(page.to)::BIGINT IS NULL OR opened_at < \(page.to))
                  AND (\(cursorAt)::BIGINT IS NULL OR opened_at < \(cursorAt)
                       OR (opened_at = \(cursorAt) AND id COLLATE "C" < \(page.startingAfter)))
                ORDER BY opened_at DESC, id COLLATE "C" DESC
                LIMIT \(page.fetchLimit)
                """, PostgresRecords.recoveryCase)
            return page.page(rows)
        }
    }

    public func actions(status: ActionStatus?, page: PageRequest) async throws -> Page<RecoveryAction> {
        try await read { session in
            var cursorAt: Int64?
            if let cursor = page.startingAfter {
                cursorAt = try await session.scalar("SELECT created_at FROM actions WHERE id = \(cursor)", as: Int64.self)
                guard cursorAt != nil else { throw UnknownCursor(cursor) }
            }
            let rows = try await session.all("""
                SELECT * FROM actions
                WHERE (\(status?.rawValue)::TEXT IS NULL OR status = \(status?.rawValue))
                  AND (\(page.from)::BIGINT IS NULL OR created_at >= \(page.from))
                  AND (\(page.to)::BIGINT IS NULL OR created_at < \(page.to))
                  AND (\(cursorAt)::BIGINT IS NULL OR created_at < \(cursorAt)
                       OR (created_at = \(cursorAt) AND id COLLATE "C" < \(page.startingAfter)))
                ORDER BY created_at DESC, id COLLATE "C" DESC
                LIMIT \(page.fetchLimit)
                """, PostgresRecords.action)
            return page.page(rows)
        }
    }

    public func attempts(actionID: String, page: PageRequest) async throws -> Page<StoredAttempt>? {
        try await read { session in
            guard try await session.scalar("SELECT EXISTS (SELECT 1 FROM actions WHERE id = \(actionID))", as: Bool.self) ?? false else {
                return nil
            }
            var cursorID: Int64?
            if let cursor = page.startingAfter {
                cursorID = Int64(cursor)
                guard let id = cursorID, try await session.scalar(
                    "SELECT EXISTS (SELECT 1 FROM delivery_attempts WHERE id = \(id) AND action_id = \(actionID))", as: Bool.self
                ) ?? false else { throw UnknownCursor(cursor) }
            }
            let rows = try await session.all("""
                SELECT * FROM delivery_attempts
                WHERE action_id = \(actionID)
                  AND (\(page.from)::BIGINT IS NULL OR started_at >= \(page.from))
                  AND (\(page.to)::BIGINT IS NULL OR started_at < \(page.to))
                  AND (\(cursorID)::BIGINT IS NULL OR id < \(cursorID))
                ORDER BY id DESC
                LIMIT \(page.fetchLimit)
                """) { row in StoredAttempt(id: try row.value("id"), attempt: try PostgresRecords.attempt(row)) }
            return page.page(rows)
        }
    }

    public func projectionFailures(page: PageRequest) async throws -> Page<ProjectionFailure> {
        try await read { session in
            var cursorSeq: Int64?
            if let cursor = page.startingAfter {
                // A failure resolved since still marks the place.
                cursorSeq = Int64(cursor)
                guard let seq = cursorSeq, try await session.scalar(
                    "SELECT EXISTS (SELECT 1 FROM projection_failures WHERE seq = \(seq))", as: Bool.self
                ) ?? false else { throw UnknownCursor(cursor) }
            }
            let rows = try await session.all("""
                SELECT seq, provider, event_id, error, failed_at, attempts FROM projection_failures
                WHERE resolved_at IS NULL
                  AND (\(page.from)::BIGINT IS NULL OR failed_at >= \(page.from))
                  AND (\(page.to)::BIGINT IS NULL OR failed_at < \(page.to))
                  AND (\(cursorSeq)::BIGINT IS NULL OR seq < \(cursorSeq))
                ORDER BY seq DESC
                LIMIT \(page.fetchLimit)
                """) { row in
                ProjectionFailure(
                    seq: try row.value("seq"), provider: try row.value("provider"), eventID: try row.value("event_id"),
                    error: try row.value("error"), failedAt: try row.value("failed_at"), attempts: Int(try row.value("attempts", as: Int64.self))
                )
            }
            return page.page(rows)
        }
    }

    public func customerNames(ids: Set<String>) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let list = Array(ids)
        return try await read { session in
            let rows = try await session.all("SELECT id, name FROM customers WHERE name IS NOT NULL AND id = ANY(\(list))") { row in
                (try row.value("id", as: String.self), try row.value("name", as: String.self))
            }
            return Dictionary(rows, uniquingKeysWith: { first, _ in first })
        }
    }
}
