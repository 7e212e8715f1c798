import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// The paged lists: keyset pagination in each list's order (newest first, id descending on
/// ties), the time window on the list's own time column. Ids compare as bytes (SQLite's BINARY
/// collation), as PostgreSQL's `COLLATE "C"` does.
extension SQLiteStore {
    public func cases(status: CaseStatus?, category: FailureCategory?, page: PageRequest) async throws -> Page<RecoveryCase> {
        try await pool.read { db in
            var query = ListQuery(page: page, timeColumn: "openedAt")
            if let status { query.require("status = ?", status.rawValue) }
            if let category { query.require("category = ?", category.rawValue) }
            if let cursor = page.startingAfter {
                guard let at = try Int64.fetchOne(db, sql: "SELECT openedAt FROM cases WHERE id = ?", arguments: [cursor]) else {
                    throw UnknownCursor(cursor)
                }
                query.after(time: at, id: cursor, idColumn: "id")
            }
            let rows = try RecoveryCase.fetchAll(db, sql: query.sql("SELECT * FROM cases", order: "openedAt DESC, id DESC"), arguments: query.arguments)
            return page.page(rows)
        }
    }

    public func actions(status: ActionStatus?, page: PageRequest) async throws -> Page<RecoveryAction> {
        try await pool.read { db in
            var query = ListQuery(page: page, timeColumn: "createdAt")
            if let status { query.require("status = ?", status.rawValue) }
            if let cursor = page.startingAfter {
                guard let at = try Int64.fetchOne(db, sql: "SELECT createdAt FROM actions WHERE id = ?", arguments: [cursor]) else {
                    throw UnknownCursor(cursor)
                }
                query.after(time: at, id: cursor, idColumn: "id")
            }
            let rows = try RecoveryAction.fetchAll(db, sql: query.sql("SELECT * FROM actions", order: "createdAt DESC, id DESC"), arguments: query.arguments)
            return page.page(rows)
        }
    }

    public func attempts(actionID: String, page: PageRequest) async throws -> Page<StoredAttempt>? {
        try await pool.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM actions WHERE id = ?)", arguments: [actionID]) ?? false else {
                return nil
            }
            var query = ListQuery(page: page, timeColumn: "startedAt")
            query.require("actionID = ?", actionID)
            if let cursor = page.startingAfter {
                guard let id = Int64(cursor), try Bool.fetchOne(
                    db, sql: "SELECT EXISTS(SELECT 1 FROM deliveryAttempts WHERE id = ? AND actionID = ?)", arguments: [id, actionID]
                ) ?? false else { throw UnknownCursor(cursor) }
                query.require("id < ?", id)
            }
            let rows = try Row.fetchAll(db, sql: query.sql("SELECT * FROM deliveryAttempts", order: "id DESC"), arguments: query.arguments)
            return page.page(try rows.map { StoredAttempt(id: $0["id"], attempt: try DeliveryAttempt(row: $0)) })
        }
    }

    public func projectionFailures(page: PageRequest) async throws -> Page<ProjectionFailure> {
        try await pool.read { db in
            var query = ListQuery(page: page, timeColumn: "failedAt")
            query.require("resolvedAt IS NULL")
            if let cursor = page.startingAfter {
                // A failure resolved since still marks the place.
                guard let seq = Int64(cursor), try Bool.fetchOne(
                    db, sql: "SELECT EXISTS(SELECT 1 FROM projectionFailures WHERE seq = ?)", arguments: [seq]
                ) ?? false else { throw UnknownCursor(cursor) }
                query.require("seq < ?", seq)
            }
            let sql = query.sql("SELECT seq, provider, eventID, error, failedAt, attempts FROM projectionFailures", order: "seq DESC")
            let rows = try Row.fetchAll(db, sql: sql, arguments: query.arguments).map { row in
                ProjectionFailure(seq: row[0], provider: row[1], eventID: row[2], error: row[3], failedAt: row[4], attempts: row[5])
            }
            return page.page(rows)
        }
    }

    public func customerNames(ids: Set<String>) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var names: [String: String] = [:]
            // Within SQLite's bound-parameter limit, whatever the page size.
            for chunk in Array(ids).chunked(500) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, name FROM customers WHERE name IS NOT NULL AND id IN (\(marks))", arguments: StatementArguments(chunk)
                )
                for row in rows { names[row[0]] = row[1] }
            }
            return names
        }
    }
}

/// The WHERE clause of one list query, built from the filters that are set.
struct ListQuery {
    private var conditions: [String] = []
    private(set) var arguments = StatementArguments()
    private let limit: Int64
    private let timeColumn: String

    init(page: PageRequest, timeColumn: String) {
        self.timeColumn = timeColumn
        // A negative LIMIT is no limit in SQLite.
        limit = page.fetchLimit ?? -1
        if let from = page.from { require("\(timeColumn) >= ?", from) }
        if let to = page.to { require("\(timeColumn) < ?", to) }
    }

    mutating func require(_ condition: String, _ values: any DatabaseValueConvertible...) {
        conditions.append(condition)
        for value in values { arguments += [value] }
    }

    /// Rows after (`time`, `id`) in newest-first order.
    mutating func after(time: Int64, id: String, idColumn: String) {
        require("(\(timeColumn) < ? OR (\(timeColumn) = ? AND \(idColumn) < ?))", time, time, id)
    }

    func sql(_ select: String, order: String) -> String {
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return "\(select)\(filter) ORDER BY \(order) LIMIT \(limit)"
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
