import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineStore
import LifelineStoreSQLite

/// The benchmarks, an executable of their own so the production `lifeline` binary carries
/// neither them nor their load generator.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifeline-bench",
        abstract: "Lifeline's benchmarks (build with -c release for meaningful figures); see BENCHMARKS.md.",
        subcommands: [IngestBench.self, StagesBench.self, ReportBench.self, OutboxBench.self, LoadBench.self, CorpusBench.self]
    )

    /// Ten years: every generated event counts as live for the recovery engine.
    static let benchHorizonHours = 87_600

    struct ReportBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Time the NRR report over a synthetic SQLite ledger and cross-check it with SQL."
        )

        @Option(help: "How many MRR movements to generate.")
        var movements: Int = 1_000_000

        @Option(help: "How many customers share them (default: one per ten movements).")
        var customers: Int?

        @Option(help: "SQLite file to build (default: a new temporary file, deleted afterwards).")
        var database: String?

        @Option(help: "Timed runs of the report.")
        var runs: Int = 3

        @OptionGroup var options: ConfigOption

        func validate() throws {
            guard movements > 0, runs > 0 else { throw ValidationError("--movements and --runs must be positive") }
        }

        func run() async throws {
            let clock = ContinuousClock()
            let configuration = try await ConfigurationLoader.load(path: options.config)
            let path = database ?? FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-bench-\(UUID().uuidString).sqlite").path
            defer { if database == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
            guard !FileManager.default.fileExists(atPath: path) else { throw CommandFailure("\(path) exists; pass a new file") }

            // Two years of history; the report covers the second.
            let start = ReportDate.parse("2025-01-01")!
            let period = ReportPeriod(from: ReportDate.parse("2026-01-01")!, to: ReportDate.parse("2027-01-01")!)
            var started = clock.now
            let ledger = BenchmarkLedger.make(movements: movements, customers: customers ?? max(1, movements / 10), months: 24, start: start, seed: 2_026)
            print("generated \(ledger.movements.count) movements for \(ledger.customers.count) customers in \(clock.now - started)")

            let store = try SQLiteStore(path: path, reasonCodes: configuration.reasonCodes)
            try await store.migrate()
            started = clock.now
            try await store.bulkLoad(customers: ledger.customers, movements: ledger.movements)
            print("inserted into \(path) in one transaction in \(clock.now - started)")

            let settings = try await ReportSettingsLoader.load(path: options.config)
            let query = ReportQuery(period: period, grouping: .segment)
            var report: NRRReport?
            for run in 1...runs {
                started = clock.now
                let input = try await store.reportInput(until: period.to)
                let fetched = clock.now
                let members = try NRRReportBuilder.cohort(input, period: period)
                let replayed = clock.now
                report = try NRRReportBuilder.build(members: members, input: input, query: query, settings: settings)
                let done = clock.now
                print("run \(run): fetch \(fetched - started) + replay \(replayed - fetched) + group \(done - replayed) = \(done - started) over \(input.movements.count) movements")
            }
            guard let report, let total = report.totals.first else { throw CommandFailure("the report came back empty") }
            print("NRR \(total.nrr.display(decimals: 2)), GRR \(total.grr.display(decimals: 2)), cohort \(total.customers), "
                + "start \(Money(total.startMRR, total.currency)), end \(Money(total.endMRR, total.currency))")
            for row in report.groups { print("  \(row.group): NRR \(row.nrr.display(decimals: 2)) over \(row.customers) customers") }

            started = clock.now
            let check = try await store.cohortCheck(period: period)
            guard let sql = check[total.currency] else { throw CommandFailure("the SQL cross-check found no cohort") }
            let agrees = sql.customers == total.customers && sql.start == total.startMRR && sql.end == total.endMRR
            print("SQL window-function cross-check (\(clock.now - started)): cohort \(sql.customers), start \(sql.start), end \(sql.end): \(agrees ? "agrees" : "MISMATCH")")
            if !agrees { throw ExitCode(1) }
        }
    }
}
