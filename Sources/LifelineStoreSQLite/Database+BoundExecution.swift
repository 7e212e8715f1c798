import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Which binding the cached statements below use: the hand path (values bound straight to
/// SQLite, no copy) or GRDB's `StatementArguments`. `lifeline-bench stages --binding both`
/// measures one against the other in one run.
public enum SQLiteBinding: String, Sendable, CaseIterable {
    case hand, library

    private static let current = Atomic<Bool>(false)

    /// The binding every store of this process uses from now on.
    public static var mode: SQLiteBinding {
        get { current.load(ordering: .relaxed) ? .library : .hand }
        set { current.store(newValue == .library, ordering: .relaxed) }
    }
}

/// Text and blobs are bound without a copy (`SQLITE_STATIC`): they are bound inside the closures
/// that hold their buffers, the statement runs in the innermost one, and the bindings are cleared
/// before those closures return.
private let staticDestructor = unsafeBitCast(0, to: sqlite3_destructor_type.self)
/// Empty text is copied: the literal's pointer lives only for the call.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Database {
    /// Runs a cached INSERT / UPDATE with `values` bound straight to its parameters. GRDB's
    /// `StatementArguments` boxes every value through generic code, which cost the single
    /// writer more than executing the statement.
    func execute(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws {
        try withBound(cachedSQL: sql, values: values) { handle in
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else { throw failure(code, sql: sql, resetting: handle) }
        }
    }

    /// Calls `body` on each row of a cached SELECT while the statement stands on it.
    func forEachRow(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?], _ body: (SQLiteStatement) throws -> Void) throws {
        try withBound(cachedSQL: sql, values: values) { handle in
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw failure(code, sql: sql, resetting: handle) }
                try body(handle)
            }
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
        try withBound(cachedSQL: sql, values: values) { handle in
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return nil }
            guard code == SQLITE_ROW else { throw failure(code, sql: sql, resetting: handle) }
            return try row(handle)
        }
    }

    /// Records of the table `R.columnSQL` describes, read by position: `sql` must select
    /// `R.columnSQL.selection`.
    func fetchAll<R: ColumnRecord & ColumnDecodable>(_ type: R.Type, cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws -> [R] {
        try fetchAll(cachedSQL: sql, values: values) { try R(reading: StatementColumns(statement: $0, sql: R.columnSQL)) }
    }

    func fetchFirst<R: ColumnRecord & ColumnDecodable>(_ type: R.Type, cachedSQL sql: String, values: [(any DatabaseValueConvertible)?]) throws -> R? {
        try fetchFirst(cachedSQL: sql, values: values) { try R(reading: StatementColumns(statement: $0, sql: R.columnSQL)) }
    }

    /// Runs `body` on the cached statement with `values` bound, then resets it and clears its
    /// bindings, which point into Swift buffers that live only as long as this call.
    private func withBound<T>(cachedSQL sql: String, values: [(any DatabaseValueConvertible)?], _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement = try cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        if SQLiteBinding.mode == .library {
            // GRDB's own path: arguments boxed in `StatementArguments`, copied by SQLite.
            try statement.setArguments(StatementArguments(values))
            defer { sqlite3_reset(handle) }
            return try body(handle)
        }
        // A statement GRDB last ran is already reset; a failed bind or step below resets too.
        sqlite3_reset(handle)
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters", sql: sql)
        }
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        return try values.withUnsafeBufferPointer { values in
            try bind(values, from: 0, to: handle, sql: sql) { try body(handle) }
        }
    }

    /// Binds `values[index...]`, each inside the closure that keeps its bytes alive, then runs `body`.
    private func bind<T>(
        _ values: UnsafeBufferPointer<(any DatabaseValueConvertible)?>, from index: Int, to handle: OpaquePointer, sql: String,
        then body: () throws -> T
    ) throws -> T {
        guard index < values.count else { return try body() }
        let position = CInt(index + 1)
        func next() throws -> T { try bind(values, from: index + 1, to: handle, sql: sql, then: body) }
        let code: CInt
        switch (values[index]?.databaseValue ?? .null).storage {
        case .null:
            code = sqlite3_bind_null(handle, position)
        case .int64(let number):
            code = sqlite3_bind_int64(handle, position, number)
        case .double(let number):
            code = sqlite3_bind_double(handle, position, number)
        case .string(var text):
            // Explicit length, so text with a NUL inside is stored whole.
            return try text.withUTF8 { bytes in
                let code = if let start = bytes.baseAddress, !bytes.isEmpty {
                    sqlite3_bind_text(handle, position, start, CInt(bytes.count), staticDestructor)
                } else {
                    sqlite3_bind_text(handle, position, "", 0, transientDestructor)
                }
                guard code == SQLITE_OK else { throw failure(code, sql: sql, resetting: handle) }
                return try next()
            }
        case .blob(let data):
            return try data.withUnsafeBytes { bytes in
                let code = if let start = bytes.baseAddress, !bytes.isEmpty {
                    sqlite3_bind_blob(handle, position, start, CInt(bytes.count), staticDestructor)
                } else {
                    sqlite3_bind_zeroblob(handle, position, 0)
                }
                guard code == SQLITE_OK else { throw failure(code, sql: sql, resetting: handle) }
                return try next()
            }
        }
        guard code == SQLITE_OK else { throw failure(code, sql: sql, resetting: handle) }
        return try next()
    }

    /// The error SQLite reports for `code`, read before the reset that leaves the statement reusable.
    private func failure(_ code: CInt, sql: String, resetting handle: OpaquePointer) -> DatabaseError {
        let message = sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
