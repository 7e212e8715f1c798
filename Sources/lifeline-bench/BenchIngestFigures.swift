import Foundation
import LifelineCLI
import LifelineStore
import LifelineStoreSQLite

/// What `ingest` prints: both runs side by side, the ratio, the end-to-end rate (acknowledged
/// and projected), memory, the store check and the targets met or not.
struct BenchIngestFigures {
    var report: LoadReport
    /// What the webhooks are compared with: "bare 204" (built-in generator) or "404 POST" (wrk).
    var baseline: String
    /// SQLite's single writer; nil on PostgreSQL.
    var statistics: GroupCommitStatistics?
    var serverIdleMiB: Double?
    var serverPeakMiB: Double?
    var storedEvents: Int
    var missing: Int
    /// From the first webhook sent to the projector's lag back to 0.
    var endToEndSeconds: Double
    var lagSamples: [LagMonitor.Sample]
    var projection: ProjectionStatus
    /// "SQLite" or "PostgreSQL": the targets differ.
    var databaseLabel: String

    var endToEndPerSecond: Double { endToEndSeconds > 0 ? Double(report.webhooks.acknowledged) / endToEndSeconds : 0 }

    var ratio: Double { report.bare.perSecond > 0 ? report.webhooks.perSecond / report.bare.perSecond : 0 }

    func render() -> String {
        var table = TextTable("run", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "2xx", "other")
        for run in [report.bare, report.webhooks] {
            table.add(
                run.label, String(format: "%.0f", run.perSecond), Self.ms(run.percentile(50)), Self.ms(run.percentile(99)),
                Self.ms(run.percentile(99.9)), Self.ms(run.maxMilliseconds), "\(run.acknowledged)",
                run.failures.isEmpty ? "0" : run.failures.map { "\($0.key) ×\($0.value)" }.sorted().joined(separator: ", ")
            )
        }
        let peak = serverPeakMiB ?? .nan
        let maxLag = lagSamples.map(\.lagEvents).max() ?? 0
        var lines = [
            table.render(),
            String(format: "acknowledged durable webhooks / %@: %.1f %%", baseline, ratio * 100),
            String(format: "end to end (acknowledged and projected, lag back to 0): %d events in %.2f s = %.0f events/s; largest lag seen %d events; %d projection failures",
                   report.webhooks.acknowledged, endToEndSeconds, endToEndPerSecond, maxLag, projection.failures),
        ]
        if let statistics {
            lines.append(String(format: "group commit: %d transactions for %d writes (average %.1f per commit, largest %d)",
                                statistics.transactions, statistics.writes, statistics.averageBatch, statistics.largestBatch))
            lines.append(writerLine(statistics))
        }
        lines += [
            String(format: "server peak RSS (VmHWM): %.1f MiB (%.1f MiB before the load); load process peak: %.1f MiB for a %.1f MiB corpus",
                   peak, serverIdleMiB ?? .nan, report.generatorPeakMiB ?? .nan, Double(report.corpusBytes) / 1_048_576),
            cpuLine,
            "store check: \(report.webhooks.acknowledged) acknowledged, \(storedEvents) events in the store, \(missing) acknowledged but missing",
        ]
        let webhooks = report.webhooks
        var targets: [String]
        if databaseLabel == "SQLite" {
            targets = [
                baseline == "404 POST" ? Self.target("≥ 25 % of the 404 POST", ratio >= 0.25) : Self.target("≥ 40 % of bare", ratio >= 0.4),
                Self.target("end to end ≥ 6,000/s", endToEndPerSecond >= 6_000),
            ]
        } else {
            targets = [
                Self.target("≥ 3,000 acknowledged/s", webhooks.perSecond >= 3_000),
                Self.target("end to end ≥ 2,000/s", endToEndPerSecond >= 2_000),
            ]
        }
        targets += [
            Self.target("p99 < 50 ms", webhooks.percentile(99) < 50),
            Self.target("RSS < 200 MB", peak * 1_048_576 < 200_000_000),
        ]
        lines.append("targets: " + targets.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    /// CPU per request of each side, and how busy the machine's cores were: figures that hold
    /// when other tenants of the host make the throughput vary.
    var cpuLine: String {
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let runs = [report.bare, report.webhooks].map { run -> String in
            guard let server = run.serverCPUSeconds, let generator = run.generatorCPUSeconds, run.requests > 0, run.seconds > 0 else {
                return "\(run.label) n/a"
            }
            let perRequest = { (seconds: Double) in seconds * 1e6 / Double(run.requests) }
            return String(format: "%@ server %.0f + load generator %.0f µs (cores %.0f %% busy)", run.label,
                          perRequest(server), perRequest(generator), 100 * (server + generator) / (run.seconds * cores))
        }
        return "CPU per request: " + runs.joined(separator: "; ")
    }

    /// How much of the webhook run the single writer was busy, and on what: near 100 % it is the
    /// bottleneck, and only a shorter write per webhook raises the rate.
    func writerLine(_ statistics: GroupCommitStatistics) -> String {
        let run = report.webhooks.seconds
        guard run > 0, statistics.writes > 0 else { return "writer: n/a" }
        return String(format: "writer busy %.0f %% of the run: ", 100 * statistics.busy.seconds / run) + statistics.perWriteSummary
    }

    static func ms(_ value: Double) -> String { String(format: "%.2f", value) }

    static func target(_ name: String, _ met: Bool) -> String { "\(name) \(met ? "met" : "NOT met")" }
}

extension GroupCommitStatistics {
    /// `statements 110 µs + commit 85 µs + hops 15 µs per webhook, 125 µs of them on a CPU`: the
    /// single writer's time per write, and how much of it was work rather than waiting.
    var perWriteSummary: String {
        let per = { (duration: Duration) in duration.seconds * 1e6 / Double(max(writes, 1)) }
        return String(format: "statements %.0f µs + commit %.0f µs + hops %.0f µs per webhook, %.0f µs of them on a CPU",
                      per(statements), per(commit), per(busy - statements - commit), per(onCPU))
    }
}
