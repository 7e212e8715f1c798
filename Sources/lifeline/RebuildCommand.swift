import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore
import Synchronization

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute the ledger, classification, MRR movements and cases from the event log (after editing reason-codes.yaml, segment bands or a normalizer). Plans and sends nothing.",
        discussion: """
            Every action already planned or delivered stays as recorded, with each case's timeline. Ends with what \
            changed: failures reclassified, movements added and removed, cases changed, and NRR before and after for \
            each of the last 12 months. Refuses to run while a `lifeline serve` uses the store, unless --online: the \
            rebuild then runs beside it (webhooks are still appended and acknowledged) and the new projection \
            replaces the old one atomically: on SQLite it is built in a copy of the file and swapped in by one short \
            transaction; on PostgreSQL one transaction holds the projector's lock while appends go on.
            Exit status: 0 when done, 1 when refused or failed.
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Run beside a serving instance: the new projection replaces the old one atomically when complete.")
    var online = false

    @Flag(help: "First normalize again, with today's provider code, every logged event whose raw body is still kept (after a normalizer fix).")
    var renormalize = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "No progress line.")
    var quiet = false

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openExistingStore(configuration)
        let clock = SystemClock()
        let now = clock.nowSeconds()
        if !online {
            let serving = try await store.servingInstances(since: now - ServingInstance.staleAfterSeconds)
            if let instance = serving.first {
                throw CommandFailure(
                    "a lifeline serve uses \(storageDescription(configuration)) (pid \(instance.pid) on \(instance.host), "
                        + "last seen \(max(0, now - instance.heartbeatAt)) s ago\(serving.count > 1 ? ", and \(serving.count - 1) more" : "")): "
                        + "stop it first, or run `lifeline rebuild --online`")
            }
        }
        let before = try await store.rebuildSnapshot(until: now + 1)
        let progress = ProgressBox(quiet: quiet || json)
        let started = ContinuousClock.now
        let renormalized = renormalize ? try await Renormalizer(store: store, providers: makeProviders(configuration)).run() : nil
        let run = try await online
            ? store.rebuildOnline(now: now) { progress.update($0) }
            : store.rebuild(now: now) { progress.update($0) }
        progress.clear()
        let elapsed = ContinuousClock.now - started
        let after = try await store.rebuildSnapshot(until: now + 1)
        let summary = RebuildSummary.compare(before: before, after: after, run: run, now: now)
        if json {
            var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(summary)) as? [String: Any] ?? [:]
            if let renormalized {
                object["renormalized"] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(renormalized))
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            if let renormalized {
                print("Normalized again: \(renormalized.checked) events with a raw body, \(renormalized.changed) changed, "
                    + "\(renormalized.keptAsLogged) kept as logged (refused by today's normalizer); events without a raw body keep their logged form.")
            }
            print(RebuildReport.render(summary, seconds: elapsed.seconds))
        }
    }
}

/// The progress line, drawn from the store's callback.
final class ProgressBox: Sendable {
    private let state: Mutex<TerminalProgress?>
    private let quiet: Bool
    private let label: String

    init(quiet: Bool, label: String = "events rebuilt") {
        self.quiet = quiet
        self.label = label
        state = Mutex(nil)
    }

    func update(_ progress: RebuildProgress) {
        guard !quiet else { return }
        state.withLock { line in
            if line == nil { line = TerminalProgress(total: progress.total) }
            line?.update(progress.done, label)
        }
    }

    func clear() {
        state.withLock { $0?.clear() }
    }
}

/// `lifeline rebuild`'s summary for people.
enum RebuildReport {
    static func render(_ summary: RebuildSummary, seconds: Double) -> String {
        let run = summary.run
        var out = ["Rebuilt \(run.events) events in \(String(format: "%.2f", seconds)) s"
            + (run.partnerCallbacks > 0 ? " (\(run.partnerCallbacks) partner callbacks applied again)" : "")
            + (run.failedEvents > 0 ? "; \(run.failedEvents) failed and are listed at /api/v1/projection/failures" : "") + "."]
        if summary.isUnchanged { out.append("Nothing changed: the ledger and the cases are as they were.") }
        if summary.reclassified.isEmpty {
            out.append("Failures reclassified: none.")
        } else {
            var table = TextTable("failures reclassified from", "to", "count")
            for row in summary.reclassified { table.add(row.from.rawValue, row.to.rawValue, String(row.count)) }
            out.append(table.render())
        }
        out.append("Failures added: \(summary.failuresAdded), removed: \(summary.failuresRemoved).")
        out.append("MRR movements added: \(summary.movementsAdded), removed: \(summary.movementsRemoved).")
        out.append("Cases opened: \(summary.casesOpened), changed: \(summary.casesChanged), no longer opened by the log (kept, closed): \(summary.casesNoLongerOpened).")
        if summary.nrr.isEmpty {
            out.append("NRR: no MRR in the last 12 months.")
        } else {
            var table = TextTable("month", "cur", "NRR before", "NRR after")
            for row in summary.nrr {
                table.add(row.month, row.currency.uppercased(), row.before.display(decimals: 2), row.after.display(decimals: 2))
            }
            out.append("NRR of each month (cohort at the month's start):\n" + table.render())
        }
        return out.joined(separator: "\n")
    }
}
