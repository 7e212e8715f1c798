import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineServer
import LifelineStore
import Testing

/// `/api/v1/reports/nrr` and `/dashboard` over a real server: formats agree with each other and
/// with the real `lifeline report nrr` binary on the same database, the token is required, bad input gets the JSON error shape.
@Suite("Report API", .serialized)
struct ReportAPITests {
    static let period = "from=2026-01-01&to=2027-01-01"

    @Test("JSON, CSV and the CLI give the same numbers", arguments: [
        ("segment", nil), ("cohort", nil), ("none", nil), ("segment", "EUR"),
    ] as [(String, String?)])
    func formatsAgree(groupBy: String, currency: String?) async throws {
        let fixture = try await ReportFixture.make()
        // What the real `lifeline report nrr` prints on the same database file.
        let cli = try Self.cli(fixture, groupBy: groupBy, currency: currency, format: "json")
        let cliCSV = try Self.cli(fixture, groupBy: groupBy, currency: currency, format: "csv")
        let suffix = "&group_by=\(groupBy)" + (currency.map { "&currency=\($0)" } ?? "")
        try await fixture.run { client in
            let json = try await client.get("/api/v1/reports/nrr?\(Self.period)\(suffix)")
            #expect(json.status == .ok)
            #expect(json.headers[.contentType] == "application/json; charset=utf-8")
            #expect(json.text == cli)
            let csv = try await client.get("/api/v1/reports/nrr?\(Self.period)\(suffix)&format=csv")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text == cliCSV)

            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
            let jsonRows = (document["groups"] as? [[String: Any]] ?? []) + (document["totals"] as? [[String: Any]] ?? [])
            let csvRows = CSVReader.rows(csv.text)
            #expect(csvRows.first == NRRReport.csvHeader)
            #expect(csvRows.count - 1 == jsonRows.count)
            #expect(jsonRows.count >= (groupBy == "none" ? 1 : 2))
            for (row, fields) in zip(jsonRows, csvRows.dropFirst()) {
                let named = Dictionary(uniqueKeysWithValues: zip(NRRReport.csvHeader, fields))
                #expect(named["group"] == row["group"] as? String)
                for key in ["customers", "start_mrr", "expansion", "contraction", "voluntary_churn", "involuntary_churn", "reactivation", "end_mrr", "recovered_mrr"] {
                    #expect(named[key] == (row[key] as? NSNumber)?.stringValue, "\(key)")
                }
                for (csvKey, jsonKey) in [("nrr_percent", "nrr"), ("grr_percent", "grr"), ("nrr_recovered_points", "nrr_recovered_points"), ("counterfactual_nrr_percent", "counterfactual_nrr")] {
                    #expect(named[csvKey] == (row[jsonKey] as? [String: Any])?["percent"] as? String, "\(csvKey)")
                }
            }
            let total = try #require((document["totals"] as? [[String: Any]])?.first)
            #expect((total["recovered_mrr"] as? NSNumber)?.int64Value ?? 0 > 0)
        }
    }

    /// Runs `lifeline report nrr` as a subprocess over the fixture's SQLite file; its output.
    static func cli(_ fixture: ReportFixture, groupBy: String, currency: String?, format: String) throws -> String {
        let arguments = ["report", "nrr", "--from", "2026-01-01", "--to", "2027-01-01", "--group-by", groupBy, "--format", format,
                         "--config", "config/lifeline.yaml"] + (currency.map { ["--currency", $0] } ?? [])
        let result = try LifelineBinary.run(arguments, environment: ["STORAGE_PATH": fixture.configuration.storage.path])
        #expect(result.status == 0, "\(result.output)")
        return result.output
    }

    @Test func quotedGroupNamesSurviveCSV() async throws {
        let fixture = try await ReportFixture.make()
        try await fixture.run { client in
            let csv = try await client.get("/api/v1/reports/nrr?\(Self.period)&group_by=segment&format=csv")
            #expect(csv.text.contains("\"Retail, \"\"EU\"\"\","))
            #expect(CSVReader.rows(csv.text).contains { $0.first == "Retail, \"EU\"" })
        }
    }

    @Test func tokenIsRequired() async throws {
        let fixture = try await ReportFixture.make()
        try await fixture.run { client in
            let refusals: [(String?, String)] = [
                (nil, "missing Authorization: Bearer <token>"), ("wrong-token", "invalid token"),
                (ReportFixture.token + "x", "invalid token"), ("", "expected Authorization: Bearer <token>"),
            ]
            for (token, detail) in refusals {
                let response = try await client.get("/api/v1/reports/nrr?\(Self.period)", token: token)
                #expect(response.status == .unauthorized, "\(token ?? "none")")
                #expect(response.json["error"] as? String == "unauthorized")
                #expect(response.json["detail"] as? String == detail, "\(token ?? "none"): \(response.text)")
            }
            // The query-string token is for the dashboard only.
            let queryToken = try await client.get("/api/v1/reports/nrr?\(Self.period)&token=\(ReportFixture.token)", token: nil)
            #expect(queryToken.status == .unauthorized)
            #expect(try await client.get("/dashboard", token: nil).status == .unauthorized)
            #expect(try await client.get("/dashboard?token=nope", token: nil).status == .unauthorized)
            #expect(try await client.get("/api/v1/reports/nrr?\(Self.period)", token: "second-token").status == .ok)
        }
    }

    @Test("bad parameters are 400 with the JSON error shape", arguments: [
        "from=2026-13-01&to=2027-01-01", "from=yesterday&to=2027-01-01", "from=2026-02-30&to=2027-01-01",
        "to=2027-01-01", "from=2026-01-01", "from=2027-01-01&to=2026-01-01", "from=2026-01-01&to=2026-01-01",
        "from=2026-01-01&to=2027-01-01&group_by=weekly",
        "from=2026-01-01&to=2027-01-01&currency=euro",
    ])
    func badParameters(query: String) async throws {
        let fixture = try await ReportFixture.make()
        try await fixture.run { client in
            let response = try await client.get("/api/v1/reports/nrr?\(query)")
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(response.json["error"] as? String == "invalid_parameter")
            #expect((response.json["detail"] as? String)?.isEmpty == false)
        }
    }

    @Test func unknownExchangeRateIsA400() async throws {
        let fixture = try await ReportFixture.make()
        try await fixture.run { client in
            let response = try await client.get("/api/v1/reports/nrr?\(Self.period)&currency=usd")
            #expect(response.status == .badRequest)
            #expect(response.json["error"] as? String == "unsupported_currency")
        }
    }

    @Test func unixSecondsWorkLikeDates() async throws {
        let fixture = try await ReportFixture.make()
        try await fixture.run { client in
            let dates = try await client.get("/api/v1/reports/nrr?\(Self.period)")
            let seconds = try await client.get("/api/v1/reports/nrr?from=1767225600&to=1798761600")
            #expect(dates.text == seconds.text)
        }
    }

    @Test func dashboardIsOneSelfContainedHTMLPage() async throws {
        let fixture = try await ReportFixture.make()
        try await fixture.run { client in
            let page = try await client.get("/dashboard?from=2026-01-01&to=2027-01-01")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = page.text
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.contains("<svg"))
            for section in ["NRR waterfall", "NRR by segment", "Recovery funnel", "Cohorts", "Recent cases"] {
                #expect(html.contains(section), "\(section)")
            }
            #expect(html.contains("Retail, &quot;EU&quot;"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("src=") && !html.contains("href=\"http"))

            // A browser opens it with ?token=; the default period is the last twelve months.
            let browser = try await client.get("/dashboard?token=\(ReportFixture.token)", token: nil)
            #expect(browser.status == .ok)
            #expect(browser.text.contains("<svg"))
            #expect(browser.text.contains("value=\"2025-12-01\""))
            #expect(browser.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(try await client.get("/dashboard?from=nope").status == .badRequest)
        }
    }
}

/// Reads RFC 4180 CSV back, for checking what the API wrote.
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return rows
    }
}
