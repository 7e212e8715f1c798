import Foundation
import LifelineConfig
import LifelineCore
import Testing

/// The synthetic portfolio: reproducible, valid generic events, and a believable story.
@Suite("Portfolio simulation")
struct SimulationTests {
    static let start = ReportDate.parse("2025-01-01")!
    static let parameters = SimulationParameters(customers: 120, months: 24, seed: 7, start: start)
    static let events = PortfolioSimulator.events(parameters)

    @Test func sameSeedSameEventsAndAnotherSeedOthers() {
        #expect(PortfolioSimulator.events(Self.parameters) == Self.events)
        var other = Self.parameters
        other.seed = 8
        #expect(PortfolioSimulator.events(other) != Self.events)
        // A customer's story does not depend on how many customers follow.
        var fewer = Self.parameters
        fewer.customers = 10
        let firstTen = Set((0..<10).map { "cus_s7_0000\($0)" } + ["cus_s7_00010"])
        #expect(PortfolioSimulator.events(fewer) == Self.events.filter { firstTen.contains($0.customer.id) })
    }

    @Test func eventsAreChronologicalAndInsideTheWindow() {
        #expect(!Self.events.isEmpty)
        #expect(zip(Self.events, Self.events.dropFirst()).allSatisfy { $0.occurredAt <= $1.occurredAt })
        #expect(Self.events.allSatisfy { $0.occurredAt >= Self.start && $0.occurredAt < Self.parameters.end })
        #expect(Set(Self.events.map(\.id)).count == Self.events.count)
    }

    @Test func eventsRoundTripAsGenericWebhookJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for event in Self.events.prefix(400) {
            let data = try encoder.encode(event)
            #expect(try JSONDecoder().decode(BillingEvent.self, from: data) == event)
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(object["occurred_at"] is NSNumber)
            if event.type.rawValue.hasPrefix("payment.") { #expect(object["payment"] != nil) }
            if event.type.rawValue.hasPrefix("subscription.") { #expect(object["subscription"] != nil) }
        }
        #expect(PortfolioSimulator.fileName(position: 42, total: 5_000, type: "payment.failed") == "000042-payment.failed.json")
        #expect(PortfolioSimulator.fileName(position: 42, total: 1_500_000, type: "invoice.created") == "0000042-invoice.created.json")
    }

    @Test func portfolioHasSegmentsPlansFailuresRecoveriesAndLosses() {
        #expect(Set(PortfolioSimulator.segments(Self.parameters).keys) == ["TPE", "PME", "mid-market", "enterprise"])
        let tagged = Set(Self.events.compactMap { $0.customer.metadata["segment"] })
        #expect(tagged.isSuperset(of: ["TPE", "PME", "mid-market"]))
        let intervals = Set(Self.events.compactMap { $0.subscription?.items.first?.interval })
        #expect(intervals == [.month, .year])

        let failures = Self.events.filter { $0.type == .paymentFailed }
        let codes = Set(failures.compactMap { $0.payment?.declineCode ?? $0.payment?.bankReasonCode })
        #expect(codes.isSuperset(of: ["insufficient_funds", "AM04", "expired_card"]))
        let failedInvoices = Set(failures.compactMap(\.invoice?.id))
        let recovered = Self.events.filter { $0.type == .paymentSucceeded && failedInvoices.contains($0.invoice?.id ?? "") }
        #expect(!recovered.isEmpty)
        let losses = Self.events.filter { $0.type == .subscriptionDeleted && $0.subscription?.cancellationReason == .paymentFailed }
        #expect(!losses.isEmpty)
        #expect(Self.events.contains { $0.type == .subscriptionDeleted && $0.subscription?.cancellationReason == .requested })
        #expect(Self.events.contains { $0.subscription?.status == .trialing })
    }

    @Test("cash-flow failures are classified cash_flow by the shipped reason codes")
    func failureCodesClassify() throws {
        let table = try ReasonCodeLoader.load(path: Self.repository + "/config/reason-codes.yaml")
        let failures = Self.events.compactMap(\.payment).filter { $0.failureCode != nil }
        let classified = failures.map { FailureClassifier.classify($0, using: table) }
        #expect(classified.allSatisfy { !$0.isUnknown })
        #expect(Set(classified.map(\.category)).isSuperset(of: [.cashFlow, .paymentMethod, .technical]))
    }

    @Test("replayed through the ledger, segments retain revenue in the expected order")
    func ledgerReplayGivesSensibleNRR() throws {
        let big = SimulationParameters(customers: 600, months: 24, seed: 11, start: Self.start)
        let input = InMemoryLedger.replay(PortfolioSimulator.events(big))
        #expect(input.movements.contains { $0.kind == .involuntaryChurn })
        #expect(input.movements.contains { $0.kind == .reactivation })
        let period = ReportPeriod(from: ReportDate.parse("2026-01-01")!, to: big.end)
        let report = try NRRReportBuilder.build(input, query: ReportQuery(period: period, grouping: .segment))
        let nrr = Dictionary(uniqueKeysWithValues: report.groups.map { ($0.group, $0.nrr?.basisPoints ?? 0) })
        #expect(nrr["TPE"]! < nrr["mid-market"]!)
        #expect(nrr["PME"]! < nrr["enterprise"]!)
        #expect((8_000...10_500).contains(report.totals[0].grr?.basisPoints ?? 0))
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// The store's ledger bookkeeping in memory, enough to turn events into movements.
enum InMemoryLedger {
    static func replay(_ events: [BillingEvent]) -> ReportInput {
        let reducer = LedgerReducer(reasonCodes: ReasonCodeTable(adviceCodes: [:], declineCodes: [:], bankReasonCodes: [:], failureCodes: [:]))
        var customers: [String: CustomerRecord] = [:]
        var subscriptions: [String: SubscriptionRecord] = [:]
        var invoices: [String: InvoiceRecord] = [:]
        var movements: [MRRMovement] = []
        var everHad = Set<String>()
        for event in events {
            var state = LedgerState(customer: customers[event.customer.id])
            if let id = event.subscriptionID { state.subscription = subscriptions[id] }
            if let id = event.invoiceID { state.invoice = invoices[id] }
            if let currency = event.subscription?.currency {
                state.customerMRR = subscriptions.values
                    .filter { $0.customerID == event.customer.id && $0.currency == currency }
                    .reduce(0) { $0 + $1.mrr }
                state.customerEverHadMRR = everHad.contains(event.customer.id + currency)
            }
            let changes = reducer.apply(event, to: state)
            customers[changes.customer.id] = changes.customer
            if let subscription = changes.subscription { subscriptions[subscription.id] = subscription }
            if let invoice = changes.invoice { invoices[invoice.id] = invoice }
            if let movement = changes.movement {
                movements.append(movement)
                everHad.insert(movement.customerID + movement.currency)
            }
        }
        return ReportInput(movements: movements, customers: Array(customers.values))
    }
}
