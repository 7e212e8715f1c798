import Foundation
import HummingbirdTesting
@testable import LifelineServer
import LifelineTestSupport
import Testing

/// Admin API bodies use snake_case keys throughout, acronyms included (`invoice_ids`).
@Suite("Snake-case keys", .serialized)
struct SnakeCaseKeysTests {
    @Test(arguments: [
        ("invoiceIDs", "invoice_ids"), ("customerID", "customer_id"), ("attributedActionID", "attributed_action_id"),
        ("mrrAtRisk", "mrr_at_risk"), ("httpStatus", "http_status"), ("HTTPStatus", "http_status"),
        ("latencyMilliseconds", "latency_milliseconds"), ("id", "id"), ("case_id", "case_id"), ("eventIDsSeen", "event_ids_seen"),
        ("URLs", "urls"), ("nextAttemptAt", "next_attempt_at"),
    ])
    func convertsCamelCaseKeepingAcronymsWhole(_ pair: (String, String)) {
        #expect(SnakeCaseKey.convert(pair.0) == pair.1)
    }

    /// Every key of a JSON value, recursively.
    static func keys(_ value: Any) -> [String] {
        switch value {
        case let object as [String: Any]: object.keys.map { $0 } + object.values.flatMap(keys)
        case let array as [Any]: array.flatMap(keys)
        default: []
        }
    }

    @Test func everyAdminResponseKeyIsSnakeCase() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { #expect(try await client.post(event, clock: fixture.clock).status == .ok) }
                try await fixture.server.dispatcher().drain()
                let cases = try await client.admin("/api/v1/cases")
                let caseIDs = (cases.json["cases"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(!caseIDs.isEmpty)
                let actions = try await client.admin("/api/v1/actions")
                let actionIDs = (actions.json["actions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                var bodies = [cases.text, actions.text, try await client.admin("/api/v1/customers/cus_demo_boulangerie").text]
                for id in caseIDs { bodies.append(try await client.admin("/api/v1/cases/\(id)").text) }
                for id in actionIDs { bodies.append(try await client.admin("/api/v1/actions/\(id)/attempts").text) }
                let allKeys = try bodies.flatMap { Self.keys(try JSONSerialization.jsonObject(with: Data($0.utf8))) }
                #expect(allKeys.contains("invoice_ids"))
                let metadataValues = Set(["segment"])
                let bad = Set(allKeys.filter { $0.range(of: "^[a-z0-9_]+$", options: .regularExpression) == nil || $0.contains("i_ds") })
                #expect(bad.subtracting(metadataValues).isEmpty, "keys not in snake_case: \(bad.sorted())")
            }
        }
    }
}
