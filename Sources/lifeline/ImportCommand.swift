import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore

/// `lifeline import …`: history into the event log with origin `import`, never an action.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load history into the event log (origin import): it builds the ledger, MRR history, cohorts and past cases, and never plans or sends an action.",
        subcommands: [ImportFile.self]
    )
}

struct ImportFile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Import Lifeline's generic events from a JSON Lines or CSV file (any billing system).",
        discussion: """
            JSON Lines: one generic event (Webhooks/schema/billing-event.schema.json) per line. CSV: a header row of paths \
            into the event (id,type,occurred_at,customer.id,invoice.amount_due,subscription.items.0.unit_amount,…), one \
            event per row; empty cells are absent. Each row is checked as a Standard Webhooks body would be; a bad row is \
            reported with its line and skipped, never half-applied. Rows are logged in file order and projected; running \
            the same file again logs nothing new. Safe beside a running `lifeline serve` on the same store.
            Exit status: 0 when every row was imported (or already was), 1 when a row was refused or the file or store failed.
            """
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The file: *.csv is read as CSV, anything else as JSON Lines (see --format).")
    var path: String

    @Option(help: "jsonl or csv (default: from the file name).")
    var format: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "No progress line.")
    var quiet = false

    func validate() throws {
        if let format, FileImport.Format(rawValue: format) == nil {
            throw ValidationError("--format must be jsonl or csv, got \"\(format)\"")
        }
    }

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw CommandFailure("cannot read \(path): \(error.localizedDescription)")
        }
        let chosen = format.flatMap(FileImport.Format.init(rawValue:)) ?? FileImport.Format(path: path)
        let rows: [FileImport.Row]
        do {
            rows = try FileImport.rows(of: data, format: chosen)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openStore(configuration)
        let progress = ProgressBox(quiet: quiet || json, label: "rows logged")
        let summary = try await FileImport(store: store, clock: SystemClock())
            .run(rows, source: URL(fileURLWithPath: path).lastPathComponent) { done, total in
                progress.update(RebuildProgress(done: done, total: total))
            }
        progress.clear()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            for refusal in summary.refused { print("line \(refusal.line): \(refusal.error): \(refusal.detail)") }
            print("""
                Imported \(path) (\(chosen.rawValue)): \(summary.rows) rows; \(summary.stored) events logged, \
                \(summary.duplicates) already in the log, \(summary.ignored) of types Lifeline ignores, \(summary.refused.count) refused; \
                \(summary.projected) applied to the ledger\(summary.projectionFailures > 0 ? ", \(summary.projectionFailures) failed (see /api/v1/projection/failures)" : "").
                """)
        }
        if !summary.refused.isEmpty {
            throw ExitCode.failure
        }
    }
}
