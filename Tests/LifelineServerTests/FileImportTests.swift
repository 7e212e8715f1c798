import Foundation
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Testing

/// `lifeline import file`: JSON Lines and CSV of generic events into a real SQLite log, origin
/// `import`; bad rows reported by line and skipped; idempotent; never an action.
@Suite("Importing a file")
struct FileImportTests {
    static let now: Int64 = 1_795_000_000

    static func store() async throws -> SQLiteStore {
        let path = try TestDirectories.make("lifeline-import").appendingPathComponent("lifeline.sqlite").path
        let store = try SQLiteStore(path: path, reasonCodes: try ReasonCodeLoader.load(path: "config/reason-codes.yaml"))
        try await store.migrate()
        return store
    }

    static func file(_ name: String) throws -> Data {
        try Data(contentsOf: ServerFixture.repository.appendingPathComponent("Webhooks/import/" + name))
    }

    @Test func jsonLinesWithBadRowsImportTheRestInOrderAndOnlyOnce() async throws {
        let clean = try Self.file("demo-history.jsonl")
        var lines = String(decoding: clean, as: UTF8.self).split(separator: "\n").map(String.init)
        let total = lines.count
        // Line 3: not JSON; line 8: a negative amount; a blank line and CRLF endings elsewhere.
        lines.insert("{\"id\": \"evt_broken\", ", at: 2)
        lines.insert(#"{"id":"evt_negative","type":"payment.succeeded","occurred_at":1780000000,"customer":{"id":"cus_x"},"payment":{"amount":-5,"currency":"eur"}}"#, at: 7)
        lines.insert("   ", at: 10)
        let text = lines.joined(separator: "\r\n") + "\r\n"

        let store = try await Self.store()
        let rows = try FileImport.rows(of: Data(text.utf8), format: .jsonl)
        #expect(rows.count == total + 2)
        let summary = try await FileImport(store: store, clock: FixedClock(seconds: Self.now), chunkSize: 7).run(rows, source: "history.jsonl")
        #expect(summary.refused.map(\.line) == [3, 8])
        #expect(summary.refused.allSatisfy { $0.error == "malformed_payload" })
        #expect(summary.refused[1].detail.contains("amount"), "\(summary.refused[1].detail)")
        #expect(summary.stored == total && summary.duplicates == 0 && summary.projected == total && summary.projectionFailures == 0)

        // In file order, as history: every event logged with origin import, no action planned.
        let logged = try await store.storedEvents()
        let expected = try FileImport.rows(of: clean, format: .jsonl).map { row in
            try StandardProvider(signature: StandardWebhooksSignature(secrets: [], toleranceSeconds: 300)).normalize(body: row.body.get()).events[0].id
        }
        #expect(logged.map(\.eventID) == expected)
        #expect(logged.allSatisfy { $0.origin == .import })
        #expect(try await store.actions(status: nil).isEmpty)
        let cases = try await store.cases(status: nil, category: nil)
        #expect(cases.count == 4)
        #expect(Set(cases.map(\.status)) == [.recovered, .lost])

        // The same file again: nothing new, nothing applied twice.
        let again = try await FileImport(store: store, clock: FixedClock(seconds: Self.now + 60)).run(rows, source: "history.jsonl")
        #expect(again.stored == 0 && again.duplicates == total && again.projected == 0)
        #expect(try await store.storedEvents() == logged)
        #expect(try await store.cases(status: nil, category: nil) == cases)
    }

    @Test func csvRowsBecomeTheSameEventsAsTheirJSON() async throws {
        let store = try await Self.store()
        let rows = try FileImport.rows(of: try Self.file("standard-history.csv"), format: .csv)
        #expect(rows.map(\.line) == [2, 3, 4, 5, 6, 7])
        let summary = try await FileImport(store: store, clock: FixedClock(seconds: Self.now)).run(rows, source: "standard-history.csv")
        #expect(summary.refused.isEmpty && summary.stored == 6 && summary.projected == 6)
        let logged = try await store.storedEvents()
        let created = try #require(logged.first?.normalized)
        #expect(created.customer == CustomerInfo(id: "cus_atelier_riviere", email: "compta@atelier-riviere.fr", name: "Atelier Rivière, SARL", metadata: ["segment": "TPE"]))
        #expect(created.subscription?.items == [SubscriptionItem(priceID: "price_tpe", unitAmount: 3_900, quantity: 1, interval: .month, intervalCount: 1)])
        #expect(created.subscription?.cancelAtPeriodEnd == false)
        let failure = try #require(logged.first { $0.eventID == "imp_005" }?.normalized?.payment)
        #expect(failure.amount == 3_900 && failure.declineCode == "insufficient_funds" && failure.attempt == 1)
        #expect(try await store.subscriptions().map(\.mrr) == [3_900])
        let recoveryCase = try #require(try await store.cases(status: nil, category: nil).first)
        #expect(recoveryCase.category == .cashFlow && recoveryCase.status == .recovered)
    }

    @Test func aBadCSVCellRefusesItsRowWithTheLineAndTheColumn() async throws {
        let csv = """
            id,type,occurred_at,customer.id,customer.name,invoice.id,invoice.currency,invoice.amount_due,invoice.amount_paid,invoice.amount_remaining,invoice.status
            inv_1,invoice.created,1767225600,cus_1,"Name with a
            line break",in_1,eur,4900,0,4900,open
            inv_2,invoice.created,1767225600,cus_1,,in_2,eur,49.00,0,4900,open
            inv_3,invoice.created,1767225600,cus_1,,in_3,eur,4900,0,4900

            """
        let rows = try FileImport.rows(of: Data(csv.utf8), format: .csv)
        #expect(rows.map(\.line) == [2, 4, 5])
        let summary = try await FileImport(store: try await Self.store(), clock: FixedClock(seconds: Self.now)).run(rows, source: "bad.csv")
        #expect(summary.stored == 1)
        #expect(summary.refused.map(\.line) == [4, 5])
        #expect(summary.refused[0].detail == "invoice.amount_due: expected an integer, got \"49.00\"")
        #expect(summary.refused[1].detail == "10 cells for 11 header columns")
    }

    @Test func aCSVHeaderThatIsNotAPathIsRefusedWhole() throws {
        #expect(throws: FileImport.FileError.self) { try FileImport.rows(of: Data("id,type,,customer.id\n".utf8), format: .csv) }
        #expect(throws: FileImport.FileError.self) { try FileImport.rows(of: Data("id,customer..id\n".utf8), format: .csv) }
        #expect(throws: FileImport.FileError.self) { try FileImport.rows(of: Data("id,id\n".utf8), format: .csv) }
    }

    /// The CSV types follow the JSON Schema: every integer, number and boolean leaf of the schema
    /// is typed, and nothing else.
    @Test func csvTypesMatchTheSchema() throws {
        let url = ServerFixture.repository.appendingPathComponent("Webhooks/schema/billing-event.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let definitions = schema["$defs"] as? [String: Any] ?? [:]
        var typed: [String: GenericEventCSV.Kind] = [:]
        func walk(_ node: [String: Any], _ path: [String]) {
            if let options = node["anyOf"] as? [[String: Any]] {
                for option in options where option["type"] as? String != "null" { walk(option, path) }
                return
            }
            if let ref = node["$ref"] as? String, let target = definitions[String(ref.split(separator: "/").last!)] as? [String: Any] {
                walk(target, path)
                return
            }
            let types = (node["type"] as? [String]) ?? [node["type"] as? String].compactMap { $0 }
            let type = types.first { $0 != "null" }
            if let properties = node["properties"] as? [String: Any] {
                for (key, value) in properties { walk(value as? [String: Any] ?? [:], path + [key]) }
            } else if type == "array", let items = node["items"] as? [String: Any] {
                walk(items, path + ["N"])
            } else if let type, let kind = ["integer": GenericEventCSV.Kind.integer, "number": .number, "boolean": .boolean][type] {
                typed[path.joined(separator: ".")] = kind
            }
        }
        walk(schema, [])
        #expect(typed == GenericEventCSV.typedPaths)
    }
}
