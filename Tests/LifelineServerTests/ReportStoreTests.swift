import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineStore
import Testing

/// The SQLite path (row cursors) and the pure path (values in memory) give the same report,
/// and SQLite's own window functions agree on the cohort.
@Suite("Report store", .serialized)
struct ReportStoreTests {
    static let period = ReportPeriod(from: ReportDate.parse("2026-01-01")!, to: ReportDate.parse("2027-01-01")!)

    @Test(arguments: ReportGrouping.allCases)
    func sqlitePathMatchesPurePath(grouping: ReportGrouping) async throws {
        let fixture = try await ReportFixture.make()
        let query = ReportQuery(period: Self.period, grouping: grouping)
        let pure = try NRRReportBuilder.build(
            ReportInput(movements: fixture.ledger.movements, customers: fixture.ledger.customers, cases: fixture.cases),
            query: query
        )
        let stored = try NRRReportBuilder.build(try await fixture.store.reportInput(until: Self.period.to), query: query)
        #expect(stored == pure)
        #expect(pure.totals.first?.recoveredMRR ?? 0 > 0)
    }

    @Test func windowFunctionsAgreeOnTheCohort() async throws {
        let fixture = try await ReportFixture.make()
        let report = try NRRReportBuilder.build(
            try await fixture.store.reportInput(until: Self.period.to), query: ReportQuery(period: Self.period, grouping: .none)
        )
        let total = try #require(report.totals.first)
        let check = try #require(try await fixture.store.cohortCheck(period: Self.period)["eur"])
        #expect(check.customers == total.customers)
        #expect(check.start == total.startMRR)
        #expect(check.end == total.endMRR)
        // On a consistent ledger the flows explain the whole change.
        #expect(total.retainedMRR == total.endMRR)
    }

    @Test func inputStopsAtTheEndOfThePeriod() async throws {
        let fixture = try await ReportFixture.make()
        let input = try await fixture.store.reportInput(until: Self.period.from)
        #expect(input.movements.allSatisfy { $0.occurredAt < Self.period.from })
        #expect(input.movements.count == fixture.ledger.movements.count { $0.occurredAt < Self.period.from })
        #expect(input.customers.count == fixture.ledger.customers.count)
        #expect(input.cases.count == fixture.cases.count)
    }

    @Test("a simulated portfolio posted as Standard Webhooks builds a ledger the report reads")
    func simulatedPortfolioThroughTheServer() async throws {
        let fixture = try await ServerFixture.make()
        let parameters = SimulationParameters(customers: 12, months: 12, seed: 5, start: ReportDate.parse("2025-11-01")!)
        let encoder = JSONEncoder()
        let bodies = try PortfolioSimulator.events(parameters).map { Array(try encoder.encode($0)) }
        try await fixture.run { client in
            for body in bodies {
                let response = try await client.postWebhook(.standard, body: body)
                #expect(response.status == .ok, "\(response.text)")
            }
        }
        let input = try await fixture.store.reportInput(until: parameters.end)
        #expect(input.movements.count >= 12)
        let report = try NRRReportBuilder.build(input, query: ReportQuery(period: ReportPeriod(from: ReportDate.parse("2026-01-01")!, to: parameters.end)))
        #expect(report.totals.first?.nrr != nil)
        #expect(report.recovery.funnel.failures > 0)
    }
}
