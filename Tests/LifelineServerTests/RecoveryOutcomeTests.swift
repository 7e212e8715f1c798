import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineStore
import LifelineTestSupport
import Testing

/// How a case ends other than by payment, end to end over HTTP: lost (invoice uncollectible,
/// subscription cancelled for non-payment) and closed (invoice voided); and a settled invoice
/// never reopens, nor brings its case back, when a failure report arrives late.
@Suite("Recovery outcomes", .serialized)
struct RecoveryOutcomeTests {
    static let failureAt: Int64 = 1_790_838_000
    static let caseID = "case_evt_demo_041"
    static let invoice = "in_demo_boulangerie_2026_10"
    static let customer = #"{"id":"cus_demo_boulangerie","name":"Boulangerie Martin","metadata":{"segment":"TPE"}}"#

    struct Ending: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var status: CaseStatus
        /// The invoice's status in the ledger afterwards.
        var invoiceStatus: InvoiceStatus
        var why: String
        var testDescription: String { name }
    }

    static let endedAt = failureAt + 86_400

    static let endings: [Ending] = [
        Ending(
            name: "invoice uncollectible",
            body: #"{"id":"evt_end","type":"invoice.uncollectible","occurred_at":\#(endedAt),"customer":\#(customer),"invoice":{"id":"\#(invoice)","subscription_id":"sub_demo_boulangerie","currency":"eur","amount_due":4900,"amount_paid":0,"amount_remaining":4900,"status":"uncollectible"}}"#,
            status: .lost, invoiceStatus: .uncollectible, why: "lost: invoice \(invoice) marked uncollectible"
        ),
        Ending(
            name: "subscription cancelled for non-payment",
            body: #"{"id":"evt_end","type":"subscription.deleted","occurred_at":\#(endedAt),"customer":\#(customer),"subscription":{"id":"sub_demo_boulangerie","status":"canceled","currency":"eur","items":[{"unit_amount":4900,"quantity":1,"interval":"month"}],"cancellation_reason":"payment_failed"}}"#,
            status: .lost, invoiceStatus: .open, why: "lost: subscription sub_demo_boulangerie cancelled for non-payment"
        ),
        Ending(
            name: "invoice voided",
            body: #"{"id":"evt_end","type":"invoice.voided","occurred_at":\#(endedAt),"customer":\#(customer),"invoice":{"id":"\#(invoice)","subscription_id":"sub_demo_boulangerie","currency":"eur","amount_due":4900,"amount_paid":0,"amount_remaining":4900,"status":"void"}}"#,
            status: .closed, invoiceStatus: .void, why: "closed: invoice \(invoice) voided; nothing left to collect"
        ),
    ]

    /// The provider reports another failed try on the same invoice, two days after the case ended.
    static let lateFailure = #"{"id":"evt_late","type":"payment.failed","occurred_at":\#(endedAt + 2 * 86_400),"customer":\#(customer),"invoice":{"id":"\#(invoice)","subscription_id":"sub_demo_boulangerie","currency":"eur","amount_due":4900,"amount_paid":0,"amount_remaining":4900,"status":"open"},"payment":{"id":"py_late","amount":4900,"currency":"eur","attempt":2,"failure_code":"card_declined","decline_code":"insufficient_funds"}}"#

    @Test("the case ends, what was pending is cancelled, and nothing is sent afterwards", arguments: endings)
    func caseEnds(_ ending: Ending) async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()
                #expect(try await fixture.store.cases(status: .acting, category: nil).map(\.id) == [Self.caseID])
                let pending = try await fixture.store.actions(status: .pending).map(\.id).sorted()
                #expect(pending == ["act_evt_demo_041_cash-flow-financing_payday-retry", "act_evt_demo_041_cash-flow-financing_plan-email"])

                fixture.clock.set(Self.endedAt)
                let ended = try await client.postWebhook(.standard, body: Array(ending.body.utf8), timestamp: Self.endedAt)
                #expect(ended.status == .ok, "\(ended.text)")
                #expect(ended.json["stored"] as? [String] == ["evt_end"])

                let recoveryCase = try #require(try await fixture.store.caseDetail(id: Self.caseID))
                #expect(recoveryCase.recoveryCase.status == ending.status)
                #expect(ending.status == .lost ? recoveryCase.recoveryCase.lostAt == Self.endedAt : recoveryCase.recoveryCase.closedAt == Self.endedAt)
                #expect(recoveryCase.recoveryCase.recoveredAt == nil)
                #expect(recoveryCase.recoveryCase.attributedActionID == nil)
                #expect(Set(try await fixture.store.actions(status: .cancelled).map(\.id)) == Set(pending))
                #expect(try await fixture.store.actions(status: .pending).isEmpty)
                #expect(recoveryCase.timeline.contains { $0.kind == "status" && $0.summary == ending.why && $0.reference == "evt_end" })

                // Through the API too: the case under its final status only.
                let listed = try await client.admin("/api/v1/cases?status=\(ending.status.rawValue)")
                #expect((listed.json["cases"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [Self.caseID])
                #expect((try await client.admin("/api/v1/cases?status=acting").json["cases"] as? [Any])?.isEmpty == true)

                // Weeks later nothing is due: the dispatcher sends nothing more.
                fixture.clock.advance(by: 30 * 86_400)
                #expect(try await fixture.server.dispatcher().drain() == 0)
            }
            #expect(stub.requests.map(\.path) == ["/partner/offers"])
        }
    }

    @Test("a late failure never reopens a settled invoice or its ended case", arguments: endings.filter { $0.invoiceStatus != .open })
    func lateFailureAfterTheEnd(_ ending: Ending) async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()
                fixture.clock.set(Self.endedAt)
                #expect(try await client.postWebhook(.standard, body: Array(ending.body.utf8), timestamp: Self.endedAt).status == .ok)
                let actionsBefore = try await fixture.store.actions(status: nil)

                let lateAt = Self.endedAt + 2 * 86_400
                fixture.clock.set(lateAt)
                let late = try await client.postWebhook(.standard, body: Array(Self.lateFailure.utf8), timestamp: lateAt)
                #expect(late.status == .ok, "\(late.text)")

                let invoice = try #require(try await fixture.store.invoices().first { $0.id == Self.invoice })
                #expect(invoice.status == ending.invoiceStatus)
                let cases = try await fixture.store.cases(status: nil, category: nil)
                #expect(cases.map(\.id) == [Self.caseID], "a late failure opened \(cases.map(\.id))")
                #expect(cases.first?.status == ending.status)
                #expect(try await fixture.store.actions(status: nil) == actionsBefore)
                fixture.clock.advance(by: 30 * 86_400)
                #expect(try await fixture.server.dispatcher().drain() == 0)
            }
            #expect(stub.requests.map(\.path) == ["/partner/offers"])
        }
    }
}
