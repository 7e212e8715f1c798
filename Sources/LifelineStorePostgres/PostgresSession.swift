import Foundation
import Logging
import PostgresNIO

/// One leased connection, inside a transaction or not; the store's SQL goes through it.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a statement and discards its rows.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    func all<T>(_ query: PostgresQuery, _ decode: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        try await rows(query).map(decode)
    }

    func first<T>(_ query: PostgresQuery, _ decode: (PostgresRandomAccessRow) throws -> T) async throws -> T? {
        try await rows(query).first.map(decode)
    }

    /// The first column of the first row; nil when there is no row or the value is NULL.
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
        guard let row = try await rows(query).first, row.count > 0, row[0].bytes != nil else { return nil }
        return try row[0].decode(T.self)
    }

    /// Serializes every write about one customer across all instances until the transaction ends.
    func lockCustomer(_ customerID: String) async throws {
        try await execute("SELECT pg_advisory_xact_lock(\(PostgresLocks.customerSpace), hashtext(\(customerID)))")
    }
}

/// Advisory lock keys; the two-key form keeps Lifeline's locks apart from anyone else's.
enum PostgresLocks {
    /// "LIFE" in ASCII.
    static let customerSpace: Int32 = 0x4C49_4645
    /// Held while migrating, so instances starting together migrate one after the other.
    static let migrationSpace: Int32 = 0x4C49_4D49
    /// Held by the one instance projecting the log, for the length of its batch's transaction.
    static let projectorSpace: Int32 = 0x4C49_5052
}

extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    /// A JSON column (jsonb or text) decoded with Foundation.
    func json<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try PostgresJSON.decode(T.self, from: try value(column, as: String.self))
    }

    func optionalJSON<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        try value(column, as: String?.self).map { try PostgresJSON.decode(T.self, from: $0) }
    }

    /// A text column holding an enum's raw value.
    func raw<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        let text = try value(column, as: String.self)
        guard let result = T(rawValue: text) else { throw PostgresStoreError.corruptValue(column: column, value: text) }
        return result
    }

    func optionalRaw<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T? where T.RawValue == String {
        guard let text = try value(column, as: String?.self) else { return nil }
        guard let result = T(rawValue: text) else { throw PostgresStoreError.corruptValue(column: column, value: text) }
        return result
    }
}

/// Nested values (metadata, snapshots, parameters) are stored as JSON with stable key order.
enum PostgresJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// What the PostgreSQL store reports beyond the driver's own errors.
public enum PostgresStoreError: Error, CustomStringConvertible {
    case corruptValue(column: String, value: String)
    case timeout(String)
    case noSchema

    public var description: String {
        switch self {
        case .corruptValue(let column, let value): "unexpected value \(value) in column \(column)"
        case .timeout(let what): "PostgreSQL did not answer in time: \(what)"
        case .noSchema: "this store was not opened with ?schema=, refusing to drop anything"
        }
    }
}
