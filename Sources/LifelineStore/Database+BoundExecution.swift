import Foundation
import GRDB
import GRDBSQLite

/// SQLite copies bound text and blobs, so the Swift buffers may go once the call returns.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Database {
    /// Runs a cached INSERT / UPDATE with `values` bound straight to its parameters. GRDB's
    /// `StatementArguments` boxes every value through generic code, which cost the single
    /// writer more than executing the statement.
    func execute(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws {
        let handle = try bound(cachedSQL: sql, values: values)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw failure(code, sql: sql, resetting: handle) }
        sqlite3_reset(handle)
    }

    /// Calls `body` on each row of a cached SELECT while the statement stands on it.
    func forEachRow(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?], _ body: (SQLiteStatement) throws -> Void) throws {
        let handle = try bound(cachedSQL: sql, values: values)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code, sql: sql, resetting: handle) }
            try body(handle)
        }
    }

    /// The rows of a cached SELECT, each decoded by `row` while the statement stands on it.
    func fetchAll<T>(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?], row: (SQLiteStatement) throws -> T) throws -> [T] {
        var rows: [T] = []
        try forEachRow(cachedSQL: sql, values: values) { rows.append(try row($0)) }
        return rows
    }

    /// The first row of a cached SELECT, decoded by `row`; nil when there is none.
    func fetchFirst<T>(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?], row: (SQLiteStatement) throws -> T?) throws -> T? {
        let handle = try bound(cachedSQL: sql, values: values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw failure(code, sql: sql, resetting: handle) }
        return try row(handle)
    }

    /// Records of the table `R.columnSQL` describes, read by position: `sql` must select
    /// `R.columnSQL.selection`.
    func fetchAll<R: ColumnRecord & ColumnDecodable>(_ type: R.Type, cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws -> [R] {
        try fetchAll(cachedSQL: sql, values: values) { try R(reading: StatementColumns(statement: $0, sql: R.columnSQL)) }
    }

    func fetchFirst<R: ColumnRecord & ColumnDecodable>(_ type: R.Type, cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws -> R? {
        try fetchFirst(cachedSQL: sql, values: values) { try R(reading: StatementColumns(statement: $0, sql: R.columnSQL)) }
    }

    /// The cached statement, reset, with `values` bound.
    private func bound(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws -> SQLiteStatement {
        let statement = try cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        // A statement GRDB last ran is already reset; a failed bind or step below resets too.
        sqlite3_reset(handle)
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let code = Self.bind(value?.databaseValue ?? .null, to: handle, at: CInt(offset + 1))
            guard code == SQLITE_OK else { throw failure(code, sql: sql, resetting: handle) }
        }
        return handle
    }

    private static func bind(_ value: DatabaseValue, to handle: OpaquePointer, at index: CInt) -> CInt {
        switch value.storage {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .int64(let number):
            return sqlite3_bind_int64(handle, index, number)
        case .double(let number):
            return sqlite3_bind_double(handle, index, number)
        case .string(let text):
            var text = text
            // Explicit length, so text with a NUL inside is stored whole.
            return text.withUTF8 { bytes in
                guard let start = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, transientDestructor) }
                return sqlite3_bind_text(handle, index, start, CInt(bytes.count), transientDestructor)
            }
        case .blob(let data):
            return data.withUnsafeBytes { bytes in
                guard let start = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
                return sqlite3_bind_blob(handle, index, start, CInt(bytes.count), transientDestructor)
            }
        }
    }

    /// The error SQLite reports for `code`, read before the reset that leaves the statement reusable.
    private func failure(_ code: CInt, sql: String, resetting handle: OpaquePointer) -> DatabaseError {
        let message = sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
