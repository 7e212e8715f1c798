import Foundation
import GRDB
import GRDBSQLite
import HummingbirdTesting
import LifelineCore
import LifelineStore
@testable import LifelineStoreSQLite
import Testing

/// The writer binds INSERT values straight to SQLite: every value must come back exactly as
/// GRDB would have stored it, and a failed statement must give SQLite's error and stay usable.
@Suite("Statements run with directly bound values")
struct BoundExecutionTests {
    static let insert = "INSERT INTO sample (id, text, number, real, bytes) VALUES (?, ?, ?, ?, ?)"

    static func database() throws -> DatabaseQueue {
        let directory = try TestDirectories.make("lifeline-bound")
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("bound.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE sample (id TEXT PRIMARY KEY, text TEXT, number INTEGER, real REAL, bytes BLOB)")
        }
        return queue
    }

    @Test("text, integers, reals, blobs and NULL are stored exactly, types included")
    func valuesRoundTrip() throws {
        let queue = try Self.database()
        let rows: [[(any DatabaseValueConvertible)?]] = [
            ["empty", "", Int64.min, 0.5, Data()],
            ["nul", "a\u{0}b", Int64.max, -1.25, Data([0, 1, 255])],
            ["unicode", "café ✓ 🚀", 0, nil, nil],
            ["nulls", nil, nil, nil, nil],
        ]
        try queue.write { db in
            for values in rows { try db.execute(cachedSQL: Self.insert, values: values) }
        }
        try queue.read { db in
            let stored = try Row.fetchAll(db, sql: "SELECT id, text, number, real, bytes, typeof(text) AS textType, typeof(bytes) AS bytesType, hex(text) AS textHex FROM sample ORDER BY rowid")
            #expect(stored.map { $0["id"] as String } == ["empty", "nul", "unicode", "nulls"])
            #expect(stored[0]["text"] as String? == "" && stored[0]["textType"] as String == "text")
            #expect(stored[0]["bytes"] as Data? == Data() && stored[0]["bytesType"] as String == "blob")
            #expect(stored[0]["number"] as Int64? == Int64.min && stored[0]["real"] as Double? == 0.5)
            // Stored whole (GRDB's String reading stops at the NUL, so compare the bytes).
            #expect(stored[1]["textHex"] as String == "610062")
            #expect(stored[1]["number"] as Int64? == Int64.max && stored[1]["real"] as Double? == -1.25)
            #expect(stored[1]["bytes"] as Data? == Data([0, 1, 255]))
            #expect(stored[2]["text"] as String? == "café ✓ 🚀")
            #expect(stored[3]["textType"] as String == "null" && stored[3]["bytesType"] as String == "null")
        }
    }

    @Test("text and blobs are bound without a copy, so the cached statement keeps no binding once it has run")
    func bindingsAreClearedAfterTheRun() throws {
        let queue = try Self.database()
        try queue.write { db in
            let text = String(repeating: "long text ", count: 50)
            try db.execute(cachedSQL: Self.insert, values: ["a", text, 1, 0.5, Data(repeating: 7, count: 300)])
            let select = "SELECT text FROM sample WHERE id = ? AND length(text) > ?"
            let found = try db.fetchFirst(cachedSQL: select, values: ["a", 10]) { String.fromStatement($0, atUncheckedIndex: 0) }
            #expect(found == text)
            for sql in [Self.insert, select] {
                let handle = try db.cachedStatement(sql: sql).sqliteStatement
                let expanded = try #require(sqlite3_expanded_sql(handle))
                defer { sqlite3_free(expanded) }
                // Every parameter reads NULL: nothing points into the Swift buffers that are gone.
                #expect(!String(cString: expanded).contains("long text"))
                #expect(String(cString: expanded).contains("NULL"))
            }
        }
        let stored = try queue.read { db in try Row.fetchOne(db, sql: "SELECT text, bytes FROM sample WHERE id = 'a'") }
        #expect(stored?["text"] as String? == String(repeating: "long text ", count: 50))
        #expect(stored?["bytes"] as Data? == Data(repeating: 7, count: 300))
    }

    @Test("a failing statement throws SQLite's error and the cached statement runs again afterwards")
    func failureLeavesTheStatementUsable() throws {
        let queue = try Self.database()
        try queue.write { db in
            try db.execute(cachedSQL: Self.insert, values: ["a", "first", 1, nil, nil])
            let duplicate = #expect(throws: DatabaseError.self) {
                try db.execute(cachedSQL: Self.insert, values: ["a", "again", 2, nil, nil])
            }
            #expect(duplicate?.resultCode == .SQLITE_CONSTRAINT)
            #expect(duplicate?.message?.contains("UNIQUE constraint failed: sample.id") == true)
            let missing = #expect(throws: DatabaseError.self) {
                try db.execute(cachedSQL: Self.insert, values: ["b", "too few"])
            }
            #expect(missing?.resultCode == .SQLITE_MISUSE)
            try db.execute(cachedSQL: Self.insert, values: ["b", "second", 2, nil, nil])
        }
        let texts = try queue.read { db in try String.fetchAll(db, sql: "SELECT text FROM sample ORDER BY id") }
        #expect(texts == ["first", "second"])
    }

    @Test("records the writer reads by position equal GRDB's reading of the same rows by name")
    func positionalReadingMatchesGRDB() async throws {
        // The clock follows the events, as in the demo, so failures are acted on (within the horizon).
        let clock = ManualClock(ServerFixture.now)
        let fixture = try await ServerFixture.make(clock: clock)
        try await fixture.run { client in
            for sample in try ServerFixture.samples("demo") {
                let object = try JSONSerialization.jsonObject(with: Data(sample.body)) as? [String: Any]
                let occurredAt = try #require(object?["occurred_at"] as? Int64)
                clock.set(occurredAt)
                let response = try await client.postWebhook(.standard, body: sample.body, timestamp: occurredAt)
                #expect(response.status == .ok, "\(sample.name)")
            }
        }
        try await fixture.store.pool.read { db in
            func expectSame<R: ColumnRecord & ColumnDecodable & FetchableRecord & Equatable>(_ type: R.Type, atLeast minimum: Int) throws {
                let table = R.columnSQL.table
                let byPosition = try db.fetchAll(R.self, cachedSQL: "SELECT \(R.columnSQL.selection) FROM \(table) ORDER BY id", values: [])
                let byName = try R.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id")
                #expect(byPosition == byName, "\(table)")
                #expect(byName.count >= minimum, "\(table)")
            }
            try expectSame(CustomerRecord.self, atLeast: 3)
            try expectSame(SubscriptionRecord.self, atLeast: 3)
            try expectSame(InvoiceRecord.self, atLeast: 3)
            try expectSame(PaymentFailureRecord.self, atLeast: 3)
            try expectSame(RecoveryCase.self, atLeast: 3)
            try expectSame(RecoveryAction.self, atLeast: 3)
        }
    }
}
