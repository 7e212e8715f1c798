import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
@testable import LifelineServer
import LifelineStore
import Testing

/// Every list of the admin API pages alike (`limit`, `starting_after`, `has_more`, `from` /
/// `to`), answers CSV with `format=csv` and refuses any other format; each CSV is
/// spreadsheet-ready and neutralises formulas.
@Suite("Admin API lists", .serialized)
struct ListAPITests {
    static let lists = ["/api/v1/cases", "/api/v1/actions", "/api/v1/projection/failures"]

    /// Walks a list page by page; returns the ids in order.
    static func walk(_ api: SeededAPI, _ path: String, key: String, idKey: String, limit: Int, query: String = "") async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        for _ in 0..<100 {
            let uri = "\(path)?limit=\(limit)\(query)" + (cursor.map { "&starting_after=\($0)" } ?? "")
            let response = try await api.get(uri)
            #expect(response.status == .ok, "\(uri): \(response.text)")
            let json = try SeededAPI.json(response)
            let items = json[key]?.arrayValue ?? []
            #expect(items.count <= limit)
            let pageIDs = items.map { item in item[idKey]?.string ?? item[idKey].map { "\($0.number.map { Int64($0) } ?? 0)" } ?? "" }
            ids += pageIDs
            let hasMore = json["has_more"] == .bool(true)
            #expect(response.headers[ListRequest.hasMoreHeader] == (hasMore ? "true" : "false"))
            guard hasMore else {
                #expect(json["next_starting_after"] == .null)
                return ids
            }
            #expect(items.count == limit)
            #expect(json["next_starting_after"]?.string == pageIDs.last)
            #expect(response.headers[ListRequest.nextHeader] == pageIDs.last)
            cursor = pageIDs.last
        }
        Issue.record("\(path) never ended")
        return ids
    }

    @Test func everyListPagesNewestFirstWithoutGapsOrRepeats() async throws {
        try await SeededAPI.run { api in
            let cases = try await api.fixture.store.cases(status: nil, category: nil)
            #expect(cases.count >= 5)
            // Newest opened first, the id breaking ties.
            let order = cases.sorted { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) }.map(\.id)
            #expect(cases.map(\.id) == order)
            for limit in [1, 2, 3, 100] {
                #expect(try await Self.walk(api, "/api/v1/cases", key: "cases", idKey: "id", limit: limit) == order, "limit \(limit)")
            }
            let actions = try await api.fixture.store.actions(status: nil)
            #expect(actions.count >= 4)
            let newestActions = actions.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.map(\.id)
            for limit in [1, 3] {
                #expect(try await Self.walk(api, "/api/v1/actions", key: "actions", idKey: "id", limit: limit) == newestActions)
            }
            // Filters and the cursor compose: a status filter pages within itself.
            let open = cases.filter { $0.status == .open }.map(\.id)
            #expect(try await Self.walk(api, "/api/v1/cases", key: "cases", idKey: "id", limit: 1, query: "&status=open") == open)

            let failures = try await Self.walk(api, "/api/v1/projection/failures", key: "failures", idKey: "seq", limit: 1)
            #expect(failures == [String(api.failedSeq)])

            let dead = try #require(try await api.fixture.store.actions(status: .dead).first)
            let attempts = try await api.get("/api/v1/actions/\(dead.id)/attempts?limit=1")
            let listed = try SeededAPI.json(attempts)["attempts"]?.arrayValue ?? []
            #expect(listed.count == 1)
            #expect(listed.first?["http_status"] == .integer(400))
            #expect(listed.first?["outcome"]?.string == "dead")
            #expect(listed.first?["id"]?.number != nil)
        }
    }

    @Test func theDefaultPageIsOneHundredAndTheLimitIsChecked() async throws {
        try await SeededAPI.run { api in
            for path in Self.lists {
                let page = try await api.get(path)
                #expect(page.status == .ok)
                #expect(try SeededAPI.json(page)["has_more"] == .bool(false))
                for bad in ["0", "-1", "1001", "abc", "1.5", "", "99999999999999999999"] {
                    let response = try await api.get("\(path)?limit=\(bad)")
                    #expect(response.status == .badRequest, "\(path)?limit=\(bad)")
                    #expect(response.json["error"] as? String == "invalid_parameter")
                    #expect((response.json["detail"] as? String)?.contains("limit") == true)
                }
                #expect(try await api.get("\(path)?limit=1000").status == .ok)
                let unknown = try await api.get("\(path)?starting_after=999999")
                #expect(unknown.status == .notFound)
                #expect(unknown.json["error"] as? String == "not_found")
                #expect(try await api.get("\(path)?starting_after=").status == .badRequest)
            }
            #expect(PageRequest.defaultLimit == 100)
            #expect(PageRequest.maximumLimit == 1_000)
        }
    }

    @Test func dateFiltersTakeDaysTimesAndUnixSecondsAndExcludeTheEnd() async throws {
        try await SeededAPI.run { api in
            let cases = try await api.fixture.store.cases(status: nil, category: nil)
            let newest = try #require(cases.first)
            let at = newest.openedAt
            func ids(_ query: String) async throws -> [String] {
                let response = try await api.get("/api/v1/cases?\(query)")
                #expect(response.status == .ok, "\(query): \(response.text)")
                return try SeededAPI.json(response)["cases"]?.arrayValue?.compactMap { $0["id"]?.string } ?? []
            }
            let expected = cases.filter { $0.openedAt >= at }.map(\.id)
            #expect(try await ids("from=\(at)") == expected)
            #expect(try await ids("from=\(UTCDate.iso8601(at))") == expected)
            #expect(try await ids("to=\(at)") == cases.filter { $0.openedAt < at }.map(\.id))
            #expect(try await ids("from=\(at)&to=\(at + 1)") == cases.filter { $0.openedAt == at }.map(\.id))
            // The same instant with an offset; a range that is empty is an empty page, not an error.
            let offset = UTCDate.iso8601(at + 3_600).replacingOccurrences(of: "Z", with: "+01:00")
            #expect(try await ids("from=\(offset)") == expected)
            #expect(try await ids("from=\(at)&to=\(at)").isEmpty)
            let day = ReportDate.day(at)
            #expect(try await ids("from=\(day)") == cases.filter { $0.openedAt >= ReportDate.parse(day)! }.map(\.id))
            for path in Self.lists {
                for bad in ["yesterday", "2026-02-30", "2026-13-01", "2026-01-01T25:00:00Z", "123456789012", "-5", ""] {
                    let response = try await api.get("\(path)?from=\(bad.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? bad)")
                    #expect(response.status == .badRequest, "\(path) from=\(bad)")
                    #expect(response.json["error"] as? String == "invalid_parameter")
                }
            }
        }
    }

    @Test func formatIsJSONOrCSVAndNothingElse() async throws {
        try await SeededAPI.run { api in
            let dead = try #require(try await api.fixture.store.actions(status: .dead).first)
            for path in Self.lists + ["/api/v1/actions/\(dead.id)/attempts", "/api/v1/reports/nrr?from=2026-01-01&to=2027-01-01"] {
                let separator = path.contains("?") ? "&" : "?"
                let csv = try await api.get("\(path)\(separator)format=csv")
                #expect(csv.status == .ok)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                let json = try await api.get("\(path)\(separator)format=json")
                #expect(json.headers[.contentType] == "application/json; charset=utf-8")
                for bad in ["xml", "CSV", "", "json,csv"] {
                    let response = try await api.get("\(path)\(separator)format=\(bad)")
                    #expect(response.status == .badRequest, "\(path) format=\(bad)")
                    #expect(response.json["error"] as? String == "invalid_format")
                }
            }
        }
    }

    @Test func casesCSVIsSpreadsheetReadyAndNeutralisesFormulas() async throws {
        try await SeededAPI.run { api in
            let response = try await api.get("/api/v1/cases?format=csv")
            let rows = CSVReader.rows(response.text)
            let header = try #require(rows.first)
            #expect(header == [
                "id", "customer_id", "customer_name", "currency", "status", "category", "mrr_at_risk", "mrr_at_risk_decimal",
                "amount_due", "amount_due_decimal", "stress_score", "stress_reasons", "invoice_ids", "opened_at", "opened_at_iso",
                "acting_at", "acting_at_iso", "recovered_at", "recovered_at_iso", "lost_at", "lost_at_iso", "closed_at", "closed_at_iso",
                "attributed_action_id", "attributed_action_kind",
            ])
            let cases = try await api.fixture.store.cases(status: nil, category: nil)
            #expect(rows.count == cases.count + 1)
            let named = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            // Newest first, as the JSON.
            #expect(named.map { $0["id"] } == cases.map(\.id))
            let formula = try #require(named.first { $0["customer_id"] == "cus_formula" })
            #expect(formula["customer_name"] == "'" + SeededAPI.formulaName)
            #expect(formula["amount_due"] == "4950")
            #expect(formula["amount_due_decimal"] == "49.50")
            let bakery = try #require(named.first { $0["customer_id"] == "cus_demo_boulangerie" })
            #expect(bakery["customer_name"] == "Boulangerie Martin")
            let opened = try #require(bakery["opened_at"].flatMap { Int64($0) })
            #expect(bakery["opened_at_iso"] == UTCDate.iso8601(opened))
            #expect(bakery["opened_at_iso"] == "2026-10-01T07:00:00Z")
            #expect(bakery["mrr_at_risk_decimal"] == "49.00")
            // No cell of any export starts with a formula character unneutralised.
            for row in rows.dropFirst() {
                for (column, cell) in zip(header, row) where column.hasSuffix("_decimal") == false {
                    if let first = cell.first, "=+@\t\r".contains(first) { Issue.record("\(column): \(cell)") }
                }
            }
        }
    }

    @Test func actionsAttemptsAndFailuresCSVCarryTheSameRowsAsTheJSON() async throws {
        try await SeededAPI.run { api in
            let actions = try await api.get("/api/v1/actions?format=csv")
            let rows = CSVReader.rows(actions.text)
            let header = try #require(rows.first)
            #expect(header == [
                "id", "case_id", "customer_id", "customer_name", "invoice_id", "kind", "target", "status", "reason", "attempts",
                "created_at", "created_at_iso", "due_at", "due_at_iso", "next_attempt_at", "next_attempt_at_iso",
                "delivered_at", "delivered_at_iso", "last_error",
            ])
            let json = try SeededAPI.json(try await api.get("/api/v1/actions"))["actions"]?.arrayValue ?? []
            #expect(rows.count - 1 == json.count)
            let named = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(named.map { $0["id"] } == json.map { $0["id"]?.string })
            #expect(named.contains { $0["customer_name"] == "'" + SeededAPI.formulaName })
            let dead = try #require(named.first { $0["status"] == "dead" })
            #expect(dead["last_error"]?.contains("400") == true)

            let deadID = try #require(dead["id"])
            let attempts = CSVReader.rows(try await api.get("/api/v1/actions/\(deadID)/attempts?format=csv").text)
            #expect(attempts.first == ["id", "action_id", "attempt", "started_at", "started_at_iso", "latency_milliseconds", "http_status", "outcome", "error"])
            #expect(attempts.count == 2)
            let attempt = Dictionary(uniqueKeysWithValues: zip(attempts[0], attempts[1]))
            #expect(attempt["http_status"] == "400")
            #expect(attempt["outcome"] == "dead")
            #expect(attempt["started_at_iso"] == attempt["started_at"].flatMap { Int64($0) }.map(UTCDate.iso8601))

            let failures = CSVReader.rows(try await api.get("/api/v1/projection/failures?format=csv").text)
            #expect(failures.first == ["seq", "provider", "event_id", "error", "failed_at", "failed_at_iso", "attempts"])
            #expect(failures.count == 2)
            #expect(failures[1][0] == String(api.failedSeq))
            #expect(failures[1][2] == "evt_broken")
        }
    }

    @Test func nrrCSVHasDecimalsBesideMinorUnits() async throws {
        try await SeededAPI.run { api in
            let csv = try await api.get("/api/v1/reports/nrr?from=2026-01-01&to=2027-01-01&format=csv")
            let rows = CSVReader.rows(csv.text)
            let header = try #require(rows.first)
            #expect(header == NRRReport.csvHeader)
            for row in rows.dropFirst() {
                let named = Dictionary(uniqueKeysWithValues: zip(header, row))
                for column in ["start_mrr", "expansion", "contraction", "end_mrr", "recovered_mrr"] {
                    let minor = try #require(Int64(named[column] ?? ""))
                    #expect(named[column + "_decimal"] == Money(minor, named["currency"] ?? "eur").decimalText)
                }
            }
        }
    }
}
