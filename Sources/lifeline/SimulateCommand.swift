import ArgumentParser
import Foundation
import LifelineCLI
import LifelineCore

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic portfolio as generic webhook files for `lifeline replay --provider standard`."
    )

    @Option(help: "How many customers.")
    var customers: Int = 200

    @Option(help: "How many months of history.")
    var months: Int = 12

    @Option(help: "Random seed: the same seed writes the same files.")
    var seed: UInt64 = 42

    @Option(help: "First simulated day, YYYY-MM-DD (default: the first of the month, --months months ago).")
    var start: String?

    @Option(help: "Output directory; files go to OUT/standard/.")
    var out: String

    func validate() throws {
        guard customers > 0, months > 0 else { throw ValidationError("--customers and --months must be positive") }
        if let start, ReportDate.parse(start) == nil { throw ValidationError("--start must be YYYY-MM-DD, got \"\(start)\"") }
        let directory = URL(fileURLWithPath: out).appendingPathComponent("standard")
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".json") } ?? []
        guard existing.isEmpty else {
            throw ValidationError("\(directory.path) already holds \(existing.count) JSON files; replay would mix two portfolios. Use an empty directory.")
        }
    }

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        let startSeconds: Int64
        if let start, let parsed = ReportDate.parse(start) {
            startSeconds = parsed
        } else {
            startSeconds = ReportDate.monthStart(now, adding: -months)
        }
        let parameters = SimulationParameters(customers: customers, months: months, seed: seed, start: startSeconds)
        let directory = URL(fileURLWithPath: out).appendingPathComponent("standard")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        var progress = TerminalProgress(total: 1)
        progress.update(0, "simulating \(customers) customers over \(months) months…")
        let events = PortfolioSimulator.events(parameters)
        progress.clear()
        progress = TerminalProgress(total: events.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var types: [String: Int] = [:]
        for (position, event) in events.enumerated() {
            let name = PortfolioSimulator.fileName(position: position + 1, total: events.count, type: event.type.rawValue)
            try encoder.encode(event).write(to: directory.appendingPathComponent(name))
            types[event.type.rawValue, default: 0] += 1
            progress.update(position + 1, "files written")
        }
        progress.clear()
        print("Wrote \(events.count) events for \(customers) customers over \(months) months "
            + "(\(ReportDate.day(startSeconds)) → \(ReportDate.day(parameters.end))) to \(directory.path)")
        for (segment, count) in PortfolioSimulator.segments(parameters).sorted(by: { $0.value > $1.value }) {
            print("  \(segment): \(count) customers")
        }
        for (type, count) in types.sorted(by: { $0.key < $1.key }) {
            print("  \(type): \(count)")
        }
        print("""
        Send them in order to a running server (its providers.standard.secrets must hold SECRET):
          swift run lifeline replay \(directory.path) --provider standard --secret SECRET --url http://127.0.0.1:8080
        """)
    }
}
