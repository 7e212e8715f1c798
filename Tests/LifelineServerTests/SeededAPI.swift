import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineTestSupport
import NIOCore
import Testing

/// A real server over a store with something in every list: the demo's four customers up to
/// their failures (four cases, their actions; the first partner call refused, so one action is
/// dead with an attempt), a customer whose name is a spreadsheet formula, and a projection
/// failure.
struct SeededAPI {
    let fixture: RecoveryFixture
    let client: any TestClientProtocol
    /// The event the projector could not apply.
    let failedSeq: Int64
    /// The normalized JSON that makes it apply again.
    let failedEventJSON: String

    /// The name of the customer whose case and actions carry a formula.
    static let formulaName = "=HYPERLINK(\"http://evil.example\",\"click\")"

    static func run(_ body: @escaping @Sendable (SeededAPI) async throws -> Void) async throws {
        // The first outbound call (the bakery's financing offer) is refused for good: a dead action.
        try await PartnerStub.run(replies: [StubReply(status: 400, body: "offer refused")]) { _, url in
            let events = try ServerFixture.samples("demo").filter { $0.name < "045" }.map { sample in
                (name: sample.name, body: sample.body, time: try JSONDecoder().decode(BillingEvent.self, from: Data(sample.body)).occurredAt)
            }
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()
                let formula = Self.failure(id: "evt_formula", customer: "cus_formula", name: formulaName, at: fixture.clock.nowSeconds() + 60)
                _ = try await client.post(formula, clock: fixture.clock)

                // A logged event left undecodable, as a faulty release could: the projector records it.
                let broken = Self.failure(id: "evt_broken", customer: "cus_broken", name: "Broken", at: fixture.clock.nowSeconds() + 60)
                let event = try JSONDecoder().decode(BillingEvent.self, from: Data(broken.body))
                let delivery = IncomingDelivery(
                    provider: .standard, receivedAt: broken.time, headers: ["webhook-id": event.id], body: broken.body,
                    events: [ProviderEvent(id: event.id, providerType: event.type.rawValue, occurredAt: event.occurredAt, normalized: event)]
                )
                _ = try await fixture.store.append(delivery, origin: .live)
                let seq = try #require(try await fixture.store.storedEvents().first { $0.eventID == "evt_broken" }?.seq)
                try SQLiteFile.execute(fixture.server.databasePath, "UPDATE events SET normalized = '{\"broken\": true}' WHERE seq = \(seq)")
                fixture.clock.set(broken.time)
                try await fixture.store.projectAll(now: broken.time)
                try await body(SeededAPI(fixture: fixture, client: client, failedSeq: seq, failedEventJSON: try event.jsonText()))
            }
        }
    }

    /// An insufficient-funds failure in the generic format.
    static func failure(id: String, customer: String, name: String, at time: Int64) -> (name: String, body: [UInt8], time: Int64) {
        let quotedName = String(decoding: try! JSONEncoder().encode(name), as: UTF8.self)
        let json = """
            {"id": "\(id)", "type": "payment.failed", "occurred_at": \(time),
             "customer": {"id": "\(customer)", "name": \(quotedName), "metadata": {"segment": "TPE"}},
             "invoice": {"id": "in_\(id)", "currency": "eur", "amount_due": 4950, "amount_paid": 0,
                         "amount_remaining": 4950, "status": "open", "billing_reason": "manual", "due_at": \(time)},
             "payment": {"id": "py_\(id)", "amount": 4950, "currency": "eur", "attempt": 1,
                         "failure_code": "card_declined", "decline_code": "insufficient_funds"}}
            """
        return (id, Array(json.utf8), time)
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.admin(uri)
    }

    /// The JSON body, parsed keeping booleans apart from numbers.
    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONValue.parse(response.text)
    }
}
