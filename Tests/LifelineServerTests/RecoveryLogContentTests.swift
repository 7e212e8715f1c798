import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineStore
import LifelineTestSupport
import Testing

/// What the admin API's lists and details hold, not only that they answer: the demo's four
/// stories played over HTTP, then each route read back and compared with the story.
@Suite("Recovery log contents", .serialized)
struct RecoveryLogContentTests {
    /// Every demo webhook in time order, the outbox drained after each, as a live server would.
    static func playDemo(_ fixture: RecoveryFixture, _ client: some TestClientProtocol) async throws {
        var events: [(name: String, body: [UInt8], time: Int64)] = []
        for sample in try ServerFixture.samples("demo") {
            let event = try JSONDecoder().decode(BillingEvent.self, from: Data(sample.body))
            events.append((sample.name, sample.body, event.occurredAt))
        }
        for event in events.sorted(by: { $0.time < $1.time }) {
            let response = try await client.post(event, clock: fixture.clock)
            #expect(response.status == .ok, "\(event.name): \(response.text)")
            try await fixture.server.dispatcher().drain()
        }
    }

    static func ids(_ response: TestResponse, _ key: String) -> [String] {
        (response.json[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func casesAreNewestFirstInJSONAndCSV() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let fixture = try await RecoveryFixture.make(stubURL: url, start: 1_780_000_000)
            try await fixture.server.run { client in
                try await Self.playDemo(fixture, client)
                let cases = try await fixture.store.cases(status: nil, category: nil)
                #expect(cases.count == 4)
                let newestFirst = cases.sorted { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) }
                #expect(Set(cases.map(\.openedAt)).count == 4, "four distinct opening times, so the order is the test's")

                let json = try await client.admin("/api/v1/cases")
                #expect(json.status == .ok)
                #expect(Self.ids(json, "cases") == newestFirst.map(\.id))
                let openedAt = (json.json["cases"] as? [[String: Any]] ?? []).compactMap { ($0["opened_at"] as? NSNumber)?.int64Value }
                #expect(openedAt == openedAt.sorted(by: >))

                let csv = try await client.admin("/api/v1/cases?format=csv")
                #expect(csv.status == .ok)
                let rows = CSVReader.rows(csv.text)
                let header = try #require(rows.first)
                let records = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
                #expect(records.map { $0["id"] ?? "" } == newestFirst.map(\.id))
                // Column by column, by name (the CSV may gain columns), against the store's cases.
                for (record, recoveryCase) in zip(records, newestFirst) {
                    let expected: [String: String] = [
                        "id": recoveryCase.id, "customer_id": recoveryCase.customerID, "currency": recoveryCase.currency,
                        "status": recoveryCase.status.rawValue, "category": recoveryCase.category.rawValue,
                        "mrr_at_risk": String(recoveryCase.mrrAtRisk), "amount_due": String(recoveryCase.amountDue),
                        "stress_score": String(recoveryCase.stressScore), "stress_reasons": recoveryCase.stressReasons.joined(separator: "; "),
                        "invoice_ids": recoveryCase.invoiceIDs.joined(separator: " "), "opened_at": String(recoveryCase.openedAt),
                        "acting_at": recoveryCase.actingAt.map(String.init) ?? "", "recovered_at": recoveryCase.recoveredAt.map(String.init) ?? "",
                        "lost_at": recoveryCase.lostAt.map(String.init) ?? "", "closed_at": recoveryCase.closedAt.map(String.init) ?? "",
                        "attributed_action_id": recoveryCase.attributedActionID ?? "",
                        "attributed_action_kind": recoveryCase.attributedActionKind?.rawValue ?? "",
                    ]
                    for (column, value) in expected {
                        #expect(record[column] == value, "\(recoveryCase.id) \(column)")
                    }
                }
                // The bakery's row, spelled out: the payment came after the plan email (two days
                // after the offer), so the email is credited.
                let bakery = try #require(records.first { $0["id"] == "case_evt_demo_041" })
                #expect(bakery["customer_id"] == "cus_demo_boulangerie")
                #expect(bakery["status"] == "recovered")
                #expect(bakery["category"] == "cash_flow")
                #expect(bakery["mrr_at_risk"] == "4900")
                #expect(bakery["invoice_ids"] == "in_demo_boulangerie_2026_10")
                #expect(bakery["opened_at"] == "1790838000")
                #expect(bakery["attributed_action_id"] == "act_evt_demo_041_cash-flow-financing_plan-email")
                #expect(bakery["attributed_action_kind"] == "dunning_email")
                #expect(bakery["recovered_at"]?.isEmpty == false)
                #expect(bakery["lost_at"] == "" && bakery["closed_at"] == "")
                // Filtered CSV: the header and only the matching rows.
                let recovered = CSVReader.rows(try await client.admin("/api/v1/cases?status=recovered&format=csv").text)
                #expect(recovered.first == header)
                #expect(recovered.dropFirst().map { $0[header.firstIndex(of: "status")!] }.allSatisfy { $0 == "recovered" })
                #expect(recovered.count - 1 == cases.filter { $0.status == .recovered }.count)
            }
        }
    }

    @Test func customerAndAttemptsHoldTheStory() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let fixture = try await RecoveryFixture.make(stubURL: url, start: 1_780_000_000)
            try await fixture.server.run { client in
                try await Self.playDemo(fixture, client)

                let response = try await client.admin("/api/v1/customers/cus_demo_boulangerie")
                #expect(response.status == .ok)
                let customer = try #require(response.json["customer"] as? [String: Any])
                #expect(customer["id"] as? String == "cus_demo_boulangerie")
                #expect(customer["name"] as? String == "Boulangerie Martin")
                #expect(customer["email"] as? String == "contact@boulangerie-martin.fr")
                #expect(customer["segment"] as? String == "TPE")
                let subscriptions = try #require(response.json["subscriptions"] as? [[String: Any]])
                #expect(subscriptions.compactMap { $0["id"] as? String } == ["sub_demo_boulangerie"])
                #expect((subscriptions.first?["mrr"] as? NSNumber)?.int64Value == 4_900)
                let invoices = try #require(response.json["invoices"] as? [[String: Any]])
                let ledgerInvoices = try await fixture.store.invoices().filter { $0.customerID == "cus_demo_boulangerie" }
                #expect(Set(invoices.compactMap { $0["id"] as? String }) == Set(ledgerInvoices.map(\.id)))
                #expect(invoices.count == 5)
                #expect(invoices.allSatisfy { $0["status"] as? String == "paid" })
                let failures = try #require(response.json["failures"] as? [[String: Any]])
                #expect(failures.compactMap { $0["id"] as? String } == ["evt_demo_041"])
                #expect(failures.first?["category"] as? String == "cash_flow")
                #expect(failures.first?["decline_code"] as? String == "insufficient_funds")
                let cases = try #require(response.json["cases"] as? [[String: Any]])
                #expect(cases.compactMap { $0["id"] as? String } == ["case_evt_demo_041"])
                #expect(cases.first?["status"] as? String == "recovered")
                let movements = try #require(response.json["movements"] as? [[String: Any]])
                #expect(movements.first?["kind"] as? String == "new")
                #expect(movements.allSatisfy { $0["customer_id"] as? String == "cus_demo_boulangerie" })
                let missing = try await client.admin("/api/v1/customers/cus_nobody")
                #expect(missing.status == .notFound)
                #expect(missing.json["error"] as? String == "not_found")

                let offer = "act_evt_demo_041_cash-flow-financing_offer"
                let attempts = try await client.admin("/api/v1/actions/\(offer)/attempts")
                #expect(attempts.status == .ok)
                let list = try #require(attempts.json["attempts"] as? [[String: Any]])
                #expect(list.count == 1)
                let attempt = try #require(list.first)
                #expect(attempt["action_id"] as? String == offer)
                #expect(attempt["attempt"] as? Int == 1)
                #expect(attempt["http_status"] as? Int == 201)
                #expect(attempt["outcome"] as? String == "delivered")
                #expect((attempt["started_at"] as? NSNumber)?.int64Value == 1_790_838_000)
                #expect(attempt["error"] == nil || attempt["error"] is NSNull)
                let stored = try await fixture.store.attempts(actionID: offer)
                #expect(stored.map(\.httpStatus) == [201])
            }
        }
    }

    /// The newest event's contact details win, whichever arrives last.
    @Test func customerDetailsComeFromTheNewestEvent() async throws {
        let fixture = try await ServerFixture.make(environment: ["ADMIN_TOKENS": RecoveryFixture.adminToken])
        let created = GenericEvents.json(BillingEvent(
            id: "evt_created", type: .subscriptionCreated, occurredAt: 1_763_000_000,
            customer: CustomerInfo(id: "cus_moving", email: "old@example.com", name: "Old Name", metadata: ["segment": "TPE"]),
            subscription: SubscriptionInfo(id: "sub_moving", status: .active, currency: "eur", items: [SubscriptionItem(unitAmount: 4_900, interval: .month)])
        ))
        let renamed = GenericEvents.json(BillingEvent(
            id: "evt_renamed", type: .subscriptionUpdated, occurredAt: 1_763_100_000,
            customer: CustomerInfo(id: "cus_moving", email: "new@example.com", name: "New Name", metadata: ["segment": "PME"]),
            subscription: SubscriptionInfo(id: "sub_moving", status: .active, currency: "eur", items: [SubscriptionItem(unitAmount: 4_900, interval: .month)])
        ))
        // Older than the rename, delivered after it (a provider's retry).
        let stale = GenericEvents.json(BillingEvent(
            id: "evt_stale", type: .invoiceFinalized, occurredAt: 1_763_050_000,
            customer: CustomerInfo(id: "cus_moving", email: "stale@example.com", name: "Stale Name", metadata: ["segment": "ETI"]),
            invoice: InvoiceInfo(id: "in_moving", subscriptionID: "sub_moving", currency: "eur", amountDue: 4_900, amountPaid: 0, amountRemaining: 4_900, status: .open)
        ))
        try await fixture.run { client in
            for body in [created, renamed, stale] {
                let response = try await client.postWebhook(.standard, body: body)
                #expect(response.status == .ok, "\(response.text)")
            }
            let detail = try await client.admin("/api/v1/customers/cus_moving")
            #expect(detail.status == .ok, "\(detail.text)")
            let customer = detail.json["customer"] as? [String: Any] ?? [:]
            #expect(customer["name"] as? String == "New Name")
            #expect(customer["email"] as? String == "new@example.com")
            #expect(customer["segment"] as? String == "PME")
        }
        let customer = try #require(try await fixture.store.customers().first { $0.id == "cus_moving" })
        #expect(customer.name == "New Name")
        #expect(customer.email == "new@example.com")
        #expect(customer.segment == "PME")
        #expect(customer.lastEventAt == 1_763_100_000)
        #expect(customer.firstSeenAt == 1_763_000_000)
        let detail = try #require(try await fixture.store.customerDetail(id: "cus_moving"))
        #expect(detail.customer == customer)
    }
}
