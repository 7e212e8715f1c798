import Foundation
import GRDB
import LifelineCore
import LifelineStore

// Hand-written columns for the records every webhook writes: the same columns and values as
// their `Codable` encoding, without GRDB's generic `Encodable` path and its per-write DAO, which
// cost more than SQLite itself per webhook. Nested values are JSON text, as GRDB writes them.

/// The JSON of nested columns, with GRDB's default settings, from one reused encoder.
enum ColumnJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Lists and maps of strings (metadata, headers, reasons, parameters) skip `JSONEncoder`.
    static func text(_ value: [String]) -> String { JSONText.array(value) }

    static func text(_ value: [String: String]) -> String { JSONText.object(value) }
}

extension CustomerRecord: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "customers", columns: ["id", "email", "name", "metadata", "segment", "firstSeenAt", "firstPaidAt", "lastEventAt"], key: "id")

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            id,
            email,
            name,
            ColumnJSON.text(metadata),
            segment,
            firstSeenAt,
            firstPaidAt,
            lastEventAt,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension SubscriptionRecord: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "subscriptions", columns: ["id", "customerID", "status", "currency", "mrr", "snapshot", "cancellationReason", "canceledAt", "lastEventAt"], key: "id")

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        columnValues(snapshotJSON: try snapshot.jsonText())
    }

    /// The row with `snapshot` already encoded (see `EncodedDelivery`).
    func columnValues(snapshotJSON: String) -> [(any DatabaseValueConvertible)?] {
        [
            id,
            customerID,
            status.rawValue,
            currency,
            mrr,
            snapshotJSON,
            cancellationReason?.rawValue,
            canceledAt,
            lastEventAt,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension InvoiceRecord: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "invoices", columns: ["id", "customerID", "subscriptionID", "currency", "amountDue", "amountPaid", "amountRemaining", "status", "attempts", "dueAt", "paidAt", "createdAt", "lastEventAt"], key: "id")

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            id,
            customerID,
            subscriptionID,
            currency,
            amountDue,
            amountPaid,
            amountRemaining,
            status.rawValue,
            attempts,
            dueAt,
            paidAt,
            createdAt,
            lastEventAt,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension PaymentFailureRecord: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "paymentFailures", columns: ["id", "customerID", "invoiceID", "subscriptionID", "paymentID", "amount", "currency", "attempt", "failureCode", "declineCode", "adviceCode", "bankReasonCode", "category", "decidedBy", "isUnknownCode", "nextAttemptAt", "occurredAt"], key: "id")

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            id,
            customerID,
            invoiceID,
            subscriptionID,
            paymentID,
            amount,
            currency,
            attempt,
            failureCode,
            declineCode,
            adviceCode,
            bankReasonCode,
            category.rawValue,
            decidedBy,
            isUnknownCode,
            nextAttemptAt,
            occurredAt,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension MRRMovement: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "mrrMovements", columns: ["customerID", "subscriptionID", "currency", "kind", "mrrBefore", "mrrAfter", "occurredAt", "eventID"])

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            customerID,
            subscriptionID,
            currency,
            kind.rawValue,
            mrrBefore,
            mrrAfter,
            occurredAt,
            eventID,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension RecoveryCase: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "cases", columns: ["id", "customerID", "currency", "status", "category", "mrrAtRisk", "amountDue", "stressScore", "stressReasons", "invoiceIDs", "openedAt", "actingAt", "recoveredAt", "lostAt", "closedAt", "attributedActionID", "attributedActionKind", "updatedAt"], key: "id")

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            id,
            customerID,
            currency,
            status.rawValue,
            category.rawValue,
            mrrAtRisk,
            amountDue,
            stressScore,
            ColumnJSON.text(stressReasons),
            ColumnJSON.text(invoiceIDs),
            openedAt,
            actingAt,
            recoveredAt,
            lostAt,
            closedAt,
            attributedActionID,
            attributedActionKind?.rawValue,
            updatedAt,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension RecoveryAction: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "actions", columns: ["id", "caseID", "customerID", "invoiceID", "kind", "target", "status", "parameters", "reason", "payload", "dueAt", "attempts", "nextAttemptAt", "leaseExpiresAt", "lastError", "deliveredAt", "createdAt", "updatedAt"], key: "id")

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            id,
            caseID,
            customerID,
            invoiceID,
            kind.rawValue,
            target,
            status.rawValue,
            ColumnJSON.text(parameters),
            reason,
            payload,
            dueAt,
            attempts,
            nextAttemptAt,
            leaseExpiresAt,
            lastError,
            deliveredAt,
            createdAt,
            updatedAt,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension TimelineEntry: ColumnRecord {
    static let columnSQL = ColumnSQL(table: "timeline", columns: ["caseID", "at", "kind", "summary", "reference"])

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            caseID,
            at,
            kind,
            summary,
            reference,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension DeliveryAttempt: ColumnRecord {
    static let columnSQL = ColumnSQL(
        table: "deliveryAttempts", columns: ["actionID", "attempt", "startedAt", "latencyMilliseconds", "httpStatus", "outcome", "error"]
    )

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            actionID,
            attempt,
            startedAt,
            latencyMilliseconds,
            httpStatus,
            outcome.rawValue,
            error,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

extension StoredEvent: ColumnRecord {
    static let columnSQL = ColumnSQL(
        table: "events",
        columns: ["seq", "origin", "provider", "eventID", "deliveryID", "providerType", "type", "occurredAt", "receivedAt", "normalized", "notes"]
    )
    /// Appends at the end of the log: `seq` is one past the highest (read from its unique index),
    /// assigned inside the single writer's transaction, so log order is commit order.
    static let appendSQL = """
        INSERT INTO events (seq, origin, provider, eventID, deliveryID, providerType, type, occurredAt, receivedAt, normalized, notes)
        VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM events), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        columnValues(normalizedJSON: try normalized.map { try $0.jsonText() })
    }

    /// The row with `normalized` already encoded (see `EncodedDelivery`).
    func columnValues(normalizedJSON: String?) -> [(any DatabaseValueConvertible)?] {
        [
            seq,
            origin.rawValue,
            provider,
            eventID,
            deliveryID,
            providerType,
            type,
            occurredAt,
            receivedAt,
            normalizedJSON,
            notes,
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        try encodeColumns(to: &container)
    }
}

/// A record written through cached INSERT / UPSERT statements built once per table.
protocol ColumnRecord {
    static var columnSQL: ColumnSQL { get }
    /// Values in the order of `columnSQL.columns`.
    func columnValues() throws -> [(any DatabaseValueConvertible)?]
}

extension ColumnRecord {
    func encodeColumns(to container: inout PersistenceContainer) throws {
        for (column, value) in zip(Self.columnSQL.columns, try columnValues()) { container[column] = value }
    }
}

/// The statements of one table, as text for `Database.cachedStatement(sql:)`.
struct ColumnSQL: Sendable {
    let table: String
    let columns: [String]
    /// The columns as a SELECT list, in this order, for reading rows by position.
    let selection: String
    /// Each column's position in `selection`.
    let positions: [String: Int32]
    let insert: String
    /// Insert, or update every column of the row with the same key: GRDB's `save` in one statement.
    let upsert: String?

    init(table: String, columns: [String], key: String? = nil) {
        self.table = table
        self.columns = columns
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        selection = names
        positions = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element, Int32($0.offset)) })
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        insert = "INSERT INTO \"\(table)\" (\(names)) VALUES (\(marks))"
        upsert = key.map { key in
            let updates = columns.filter { $0 != key }.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", ")
            return "INSERT INTO \"\(table)\" (\(names)) VALUES (\(marks)) ON CONFLICT(\"\(key)\") DO UPDATE SET \(updates)"
        }
    }
}

/// The JSON columns of one delivery, encoded before it reaches the single writer.
struct EncodedDelivery: Sendable {
    var headersJSON: String
    /// Aligned with `IncomingDelivery.events`; nil for events Lifeline does not act on.
    var normalizedJSON: [String?]

    init(_ delivery: IncomingDelivery) throws {
        headersJSON = ColumnJSON.text(delivery.headers)
        // Written by hand (`jsonText`), the same bytes `ColumnJSON.text` gives, several times faster.
        normalizedJSON = try delivery.events.map { event in try event.normalized.map { try $0.jsonText() } }
    }
}

extension DeliveryRow {
    static let insertSQL = "INSERT INTO \"deliveries\" (\"provider\", \"receivedAt\", \"headers\", \"body\") VALUES (?, ?, ?, ?)"

    /// The same row as `insert(_:)`, through a cached statement; returns the new id.
    static func insert(provider: String, receivedAt: Int64, headersJSON: String, body: [UInt8], in db: Database) throws -> Int64 {
        // Raw bytes exactly as received, so a signature can be re-checked later.
        try db.execute(cachedSQL: insertSQL, values: [provider, receivedAt, headersJSON, Data(body)])
        return db.lastInsertedRowID
    }
}

extension Database {
    /// The event row with its `normalized` column already encoded (see `EncodedDelivery`).
    func insertColumns(_ event: StoredEvent, normalizedJSON: String?) throws {
        // Every column but `seq`, which the statement assigns.
        let values = Array(event.columnValues(normalizedJSON: normalizedJSON).dropFirst())
        try execute(cachedSQL: StoredEvent.appendSQL, values: values)
    }

    func insertColumns(_ record: some ColumnRecord) throws {
        try execute(cachedSQL: type(of: record).columnSQL.insert, values: try record.columnValues())
    }

    /// Same effect as GRDB's `save` for a record keyed by `columnSQL`'s key.
    func upsertColumns(_ record: some ColumnRecord) throws {
        try upsert(type(of: record), values: try record.columnValues())
    }

    /// Upserts one row of `R`'s table, or inserts it when the table has no key.
    private func upsert<R: ColumnRecord>(_ type: R.Type, values: [(any DatabaseValueConvertible)?]) throws {
        try execute(cachedSQL: R.columnSQL.upsert ?? R.columnSQL.insert, values: values)
    }
}
