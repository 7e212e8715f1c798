import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Logging

/// A real server with an admin token over a SQLite ledger loaded in bulk: two years of
/// movements, customers in several segments, and recovery cases.
struct ReportFixture {
    static let token = "report-test-admin-token"
    static let start = ReportDate.parse("2025-01-01")!
    static let now = ReportDate.parse("2026-12-15")!

    let configuration: LifelineConfiguration
    let store: SQLiteStore
    let ledger: BenchmarkLedger.Ledger
    let cases: [RecoveryCase]

    static func make() async throws -> ReportFixture {
        let directory = try TestDirectories.make("lifeline-report")
        let configuration = try await ConfigurationLoader.load(
            path: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path,
            environment: [
                "HTTP_PORT": "0", "STORAGE_PATH": directory.appendingPathComponent("lifeline.sqlite").path,
                "ADMIN_TOKENS": "\(token),second-token",
            ]
        )
        let store = try SQLiteStore(path: configuration.storage.path, reasonCodes: configuration.reasonCodes)
        try await store.migrate()
        var ledger = BenchmarkLedger.make(movements: 4_000, customers: 400, months: 24, start: start, seed: 99)
        // A segment name a spreadsheet must see quoted.
        for index in ledger.customers.indices where index % 7 == 0 { ledger.customers[index].segment = "Retail, \"EU\"" }
        let cases = makeCases(ledger)
        try await store.bulkLoad(customers: ledger.customers, movements: ledger.movements, cases: cases)
        return ReportFixture(configuration: configuration, store: store, ledger: ledger, cases: cases)
    }

    /// Recovered, lost and open cases on the ledger's customers, mostly during 2026.
    static func makeCases(_ ledger: BenchmarkLedger.Ledger) -> [RecoveryCase] {
        let day: Int64 = 86_400
        let opened = ReportDate.parse("2026-01-10")!
        return ledger.customers.prefix(60).enumerated().map { index, customer in
            let status: CaseStatus = [.recovered, .recovered, .lost, .acting, .closed][index % 5]
            let at = opened + Int64(index) * 5 * day
            return RecoveryCase(
                id: "case_\(index)", customerID: customer.id, currency: "eur", status: status,
                category: FailureCategory.allCases[index % FailureCategory.allCases.count], mrrAtRisk: 5_000 + Int64(index) * 100,
                amountDue: 6_000, stressScore: 40 + index % 50, stressReasons: ["insufficient_funds"], invoiceIDs: ["in_\(index)"],
                openedAt: at, actingAt: at + 3_600, recoveredAt: status == .recovered ? at + Int64(1 + index % 9) * day : nil,
                lostAt: status == .lost ? at + 20 * day : nil, closedAt: status == .closed ? at + 2 * day : nil,
                attributedActionID: nil, attributedActionKind: status == .recovered ? .financingOffer : nil, updatedAt: at + day
            )
        }
    }

    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "lifeline.test")
        logger.logLevel = .critical
        let app = buildApplication(
            configuration: configuration,
            dependencies: AppDependencies(store: store, clock: FixedClock(seconds: Self.now), logger: logger)
        )
        try await app.test(.live) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    /// GET with `Authorization: Bearer <token>` (none when nil).
    func get(_ uri: String, token: String? = ReportFixture.token) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}
