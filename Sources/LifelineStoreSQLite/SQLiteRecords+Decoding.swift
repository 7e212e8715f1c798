import Foundation
import GRDB
import LifelineCore
import LifelineStore

// Hand-written row decoding for the records ingest reads back per webhook: the same values as
// their `Codable` decoding, without GRDB's generic `Decodable` path. Each record reads its columns
// by name from either a GRDB row or, on the writer, straight from the statement by position.

/// Reads a record's columns by name, failing like `Codable` would on a bad value.
protocol ColumnReading {
    var table: String { get }
    func optional<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) -> T?
}

/// A record that reads itself from columns by name, from either kind of `ColumnReading`.
protocol ColumnDecodable {
    init(reading read: some ColumnReading) throws
}

/// A row GRDB fetched (any column order, e.g. `SELECT *`), read by column name.
struct RowColumns: ColumnReading {
    let row: Row
    let table: String

    func optional<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) -> T? { row[column] }
}

/// The current row of a statement that selected `ColumnSQL.selection`, read by position straight
/// from SQLite: no row copy and no column-name search, for the loads of every webhook.
struct StatementColumns: ColumnReading {
    let statement: SQLiteStatement
    let sql: ColumnSQL

    var table: String { sql.table }

    func optional<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) -> T? {
        guard let index = sql.positions[column] else { preconditionFailure("\(table).\(column) is not in the selection") }
        return T.fromStatement(statement, atUncheckedIndex: index)
    }
}

private let columnDecoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dataDecodingStrategy = .base64
    decoder.dateDecodingStrategy = .millisecondsSince1970
    decoder.nonConformingFloatDecodingStrategy = .throw
    return decoder
}()

extension ColumnReading {
    func value<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) throws -> T {
        guard let value: T = optional(column) else { throw RecordDecodingError("\(table).\(column) is NULL") }
        return value
    }

    func json<T: Decodable>(_ column: String) throws -> T {
        let text: String = try value(column)
        return try columnDecoder.decode(T.self, from: Data(text.utf8))
    }

    /// Maps of plain strings (metadata, parameters) are read without `JSONDecoder`.
    func json(_ column: String) throws -> [String: String] {
        let text: String = try value(column)
        if let members = JSONText.stringMap(text) { return members }
        return try columnDecoder.decode([String: String].self, from: Data(text.utf8))
    }

    /// Lists of plain strings (invoice ids, stress reasons) are read without `JSONDecoder`.
    func json(_ column: String) throws -> [String] {
        let text: String = try value(column)
        if let values = JSONText.stringList(text) { return values }
        return try columnDecoder.decode([String].self, from: Data(text.utf8))
    }

    func raw<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        let text: String = try value(column)
        guard let value = T(rawValue: text) else { throw RecordDecodingError("\(table).\(column) holds unknown \(text)") }
        return value
    }

    func optionalRaw<T: RawRepresentable>(_ column: String) throws -> T? where T.RawValue == String {
        guard let text: String = optional(column) else { return nil }
        guard let value = T(rawValue: text) else { throw RecordDecodingError("\(table).\(column) holds unknown \(text)") }
        return value
    }
}

struct RecordDecodingError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension CustomerRecord: ColumnDecodable {
    public init(row: Row) throws {
        try self.init(reading: RowColumns(row: row, table: "customers"))
    }

    init(reading read: some ColumnReading) throws {
        self.init(
            id: try read.value("id"), email: read.optional("email"), name: read.optional("name"),
            metadata: try read.json("metadata"), segment: read.optional("segment"), firstSeenAt: try read.value("firstSeenAt"),
            firstPaidAt: read.optional("firstPaidAt"), lastEventAt: try read.value("lastEventAt")
        )
    }
}

extension SubscriptionRecord: ColumnDecodable {
    public init(row: Row) throws {
        try self.init(reading: RowColumns(row: row, table: "subscriptions"))
    }

    init(reading read: some ColumnReading) throws {
        self.init(
            id: try read.value("id"), customerID: try read.value("customerID"), status: try read.raw("status"),
            currency: try read.value("currency"), mrr: try read.value("mrr"), snapshot: try read.json("snapshot"),
            cancellationReason: try read.optionalRaw("cancellationReason"), canceledAt: read.optional("canceledAt"),
            lastEventAt: try read.value("lastEventAt")
        )
    }
}

extension InvoiceRecord: ColumnDecodable {
    public init(row: Row) throws {
        try self.init(reading: RowColumns(row: row, table: "invoices"))
    }

    init(reading read: some ColumnReading) throws {
        self.init(
            id: try read.value("id"), customerID: try read.value("customerID"), subscriptionID: read.optional("subscriptionID"),
            currency: try read.value("currency"), amountDue: try read.value("amountDue"), amountPaid: try read.value("amountPaid"),
            amountRemaining: try read.value("amountRemaining"), status: try read.raw("status"), attempts: try read.value("attempts"),
            dueAt: read.optional("dueAt"), paidAt: read.optional("paidAt"), createdAt: try read.value("createdAt"),
            lastEventAt: try read.value("lastEventAt")
        )
    }
}

extension PaymentFailureRecord: ColumnDecodable {
    public init(row: Row) throws {
        try self.init(reading: RowColumns(row: row, table: "paymentFailures"))
    }

    init(reading read: some ColumnReading) throws {
        self.init(
            id: try read.value("id"), customerID: try read.value("customerID"), invoiceID: read.optional("invoiceID"),
            subscriptionID: read.optional("subscriptionID"), paymentID: read.optional("paymentID"), amount: try read.value("amount"),
            currency: try read.value("currency"), attempt: read.optional("attempt"), failureCode: read.optional("failureCode"),
            declineCode: read.optional("declineCode"), adviceCode: read.optional("adviceCode"),
            bankReasonCode: read.optional("bankReasonCode"), category: try read.raw("category"), decidedBy: read.optional("decidedBy"),
            isUnknownCode: try read.value("isUnknownCode"), nextAttemptAt: read.optional("nextAttemptAt"),
            occurredAt: try read.value("occurredAt")
        )
    }
}

extension RecoveryCase: ColumnDecodable {
    public init(row: Row) throws {
        try self.init(reading: RowColumns(row: row, table: "cases"))
    }

    init(reading read: some ColumnReading) throws {
        self.init(
            id: try read.value("id"), customerID: try read.value("customerID"), currency: try read.value("currency"),
            status: try read.raw("status"), category: try read.raw("category"), mrrAtRisk: try read.value("mrrAtRisk"),
            amountDue: try read.value("amountDue"), stressScore: try read.value("stressScore"),
            stressReasons: try read.json("stressReasons"), invoiceIDs: try read.json("invoiceIDs"), openedAt: try read.value("openedAt"),
            actingAt: read.optional("actingAt"), recoveredAt: read.optional("recoveredAt"), lostAt: read.optional("lostAt"),
            closedAt: read.optional("closedAt"), attributedActionID: read.optional("attributedActionID"),
            attributedActionKind: try read.optionalRaw("attributedActionKind"), updatedAt: try read.value("updatedAt")
        )
    }
}

extension RecoveryAction: ColumnDecodable {
    public init(row: Row) throws {
        try self.init(reading: RowColumns(row: row, table: "actions"))
    }

    init(reading read: some ColumnReading) throws {
        self.init(
            id: try read.value("id"), caseID: try read.value("caseID"), customerID: try read.value("customerID"),
            invoiceID: read.optional("invoiceID"), kind: try read.raw("kind"), target: read.optional("target"),
            status: try read.raw("status"), parameters: try read.json("parameters"), reason: try read.value("reason"),
            payload: try read.value("payload"), dueAt: try read.value("dueAt"), attempts: try read.value("attempts"),
            nextAttemptAt: try read.value("nextAttemptAt") as Int64, leaseExpiresAt: read.optional("leaseExpiresAt"),
            lastError: read.optional("lastError"), deliveredAt: read.optional("deliveredAt"), createdAt: try read.value("createdAt"),
            updatedAt: try read.value("updatedAt") as Int64
        )
    }
}
