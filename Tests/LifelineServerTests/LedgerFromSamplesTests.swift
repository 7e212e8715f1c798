import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineStore
import LifelineStoreSQLite
import Testing

/// The ledger built from the sample webhooks, through a real server into a real SQLite file.
@Suite("Ledger from sample webhooks", .serialized)
struct LedgerFromSamplesTests {
    /// Posts the given files of one provider in order and returns the fixture's store.
    func ingest(_ provider: ProviderName, _ samples: [(name: String, body: [UInt8])]) async throws -> SQLiteStore {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            for sample in samples {
                let response = try await client.postWebhook(provider, body: sample.body)
                #expect(response.status == .ok, "\(sample.name): \(response.text)")
            }
        }
        return fixture.store
    }

    @Test func bothStripeInvoiceShapesGiveTheSameLedger() async throws {
        let legacy = try await ingest(.stripe, [("legacy", try ServerFixture.sample("stripe-shapes/legacy_invoice.payment_failed.json"))])
        let basil = try await ingest(.stripe, [("basil", try ServerFixture.sample("stripe-shapes/basil_invoice.payment_failed.json"))])

        #expect(try await legacy.customers() == basil.customers())
        #expect(try await legacy.invoices() == basil.invoices())
        let legacyInvoice = try #require(try await legacy.invoices().first)
        #expect(legacyInvoice.subscriptionID != nil)
        #expect(legacyInvoice.status == .open)

        func withoutEventID(_ failures: [PaymentFailureRecord]) -> [PaymentFailureRecord] {
            failures.map { var failure = $0; failure.id = ""; return failure }
        }
        let legacyFailures = try await legacy.paymentFailures()
        #expect(legacyFailures.count == 1)
        #expect(withoutEventID(legacyFailures) == withoutEventID(try await basil.paymentFailures()))
        #expect(legacyFailures.first?.category == .cashFlow)
    }

    @Test func weeklyYearlyAndQuantityPlansGiveTheRightMRR() async throws {
        let store = try await ingest(.stripe, try ServerFixture.samples("stripe"))
        let firstMovement = Dictionary(grouping: try await store.movements(), by: \.customerID).compactMapValues(\.first)
        // 1,500 a week → 1,500 × 52 / 12 = 6,500 a month.
        #expect(firstMovement["cus_TPE002"]?.mrrAfter == 6_500)
        #expect(firstMovement["cus_TPE002"]?.kind == .new)
        // 118,800 a year → 9,900 a month.
        #expect(firstMovement["cus_PME001"]?.mrrAfter == 9_900)
        // 3 seats × 2,900 a month.
        #expect(firstMovement["cus_PME002"]?.mrrAfter == 8_700)

        let mrr = Dictionary(uniqueKeysWithValues: try await store.subscriptions().map { ($0.customerID, $0.mrr) })
        #expect(mrr["cus_TPE001"] == 4_900)
        #expect(mrr["cus_TPE002"] == 0)  // cancelled for non-payment
        #expect(mrr["cus_PME001"] == 0)  // cancelled on request
        #expect(mrr["cus_PME002"] == 8_700)  // paused, then resumed
        #expect(mrr["cus_TPE003"] == 9_900)  // upgraded; the 3-month coupon does not lower MRR
        #expect(mrr["cus_MID001"] == 29_000)  // downgraded
        #expect(try await store.summary().mrrByCurrency == ["eur": 52_500])
    }

    @Test func stripeStoryGivesTheExpectedMovementsAndFailures() async throws {
        let store = try await ingest(.stripe, try ServerFixture.samples("stripe"))
        let kinds = try await store.movements().map { "\($0.customerID):\($0.kind.rawValue)" }
        #expect(kinds.contains("cus_TPE002:churn_involuntary"))
        #expect(kinds.contains("cus_PME001:churn_voluntary"))
        #expect(kinds.contains("cus_PME002:reactivation"))
        #expect(kinds.contains("cus_TPE003:expansion"))
        #expect(kinds.contains("cus_MID001:contraction"))

        let failures = try await store.paymentFailures()
        // invoice.payment_failed, charge.failed and payment_intent.payment_failed are one failure.
        let boulangerie = failures.filter { $0.customerID == "cus_TPE001" }
        #expect(boulangerie.count == 1)
        #expect(boulangerie.first?.category == .cashFlow)
        #expect(failures.first { $0.customerID == "cus_TPE002" }?.category == .paymentMethod)
        #expect(failures.first { $0.customerID == "cus_TPE003" }?.category == .voluntaryDispute)

        let invoices = Dictionary(uniqueKeysWithValues: try await store.invoices().map { ($0.id, $0) })
        #expect(invoices["in_TPE001Oct"]?.status == .paid)
        #expect(invoices["in_TPE001Oct"]?.attempts == 2)
        #expect(invoices["in_TPE002W41"]?.status == .uncollectible)
        #expect(try await store.customers().first { $0.id == "cus_TPE001" }?.segment == "TPE")
    }

    @Test func outOfOrderDeliveryEndsInTheSameState() async throws {
        let samples = try ServerFixture.samples("stripe")
        let forward = try await ingest(.stripe, samples)
        let reversed = try await ingest(.stripe, samples.reversed())

        func state(_ subscriptions: [SubscriptionRecord]) -> [String] {
            subscriptions.map { "\($0.id) \($0.status.rawValue) \($0.mrr) \($0.cancellationReason?.rawValue ?? "-")" }
        }
        #expect(state(try await forward.subscriptions()) == state(try await reversed.subscriptions()))
        #expect(try await forward.invoices().map(\.status) == reversed.invoices().map(\.status))
        #expect(try await forward.invoices().map(\.attempts) == reversed.invoices().map(\.attempts))
        #expect(try await forward.customers().map(\.firstPaidAt) == reversed.customers().map(\.firstPaidAt))
        #expect(try await forward.paymentFailures().map(\.category).sorted { $0.rawValue < $1.rawValue }
            == reversed.paymentFailures().map(\.category).sorted { $0.rawValue < $1.rawValue })
    }

    @Test func goCardlessAndStandardStoriesLandInTheLedger() async throws {
        let gocardless = try await ingest(.gocardless, try ServerFixture.samples("gocardless"))
        let gcFailures = try await gocardless.paymentFailures()
        #expect(gcFailures.contains { $0.bankReasonCode == "AM04" && $0.category == .cashFlow })
        #expect(gcFailures.contains { $0.bankReasonCode == "MD06" && $0.category == .voluntaryDispute })

        let standard = try await ingest(.standard, try ServerFixture.samples("standard"))
        let kinds = try await standard.movements().map(\.kind)
        #expect(kinds.first == .new)
        #expect(kinds.contains(.expansion))
        #expect(kinds.last == .voluntaryChurn)
        #expect(try await standard.summary().ignoredEvents == 1)
    }
}
