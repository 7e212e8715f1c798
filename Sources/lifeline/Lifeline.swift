import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineServer
import LifelineStore

@main
struct Lifeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifeline",
        abstract: "Saves subscription revenue from involuntary, cash-flow-driven churn.",
        discussion: """
        Exit status: 0 success; 1 failure (configuration refused, missing database, a webhook refused); \
        2 check-config --strict found warnings; 64 usage error (unknown option, bad argument).
        """,
        version: LifelineVersion.current,
        subcommands: [
            Serve.self, Demo.self, Replay.self, Trigger.self, Cases.self, Ledger.self, Migrate.self, CheckConfig.self, Report.self,
            Simulate.self, RebuildCommand.self, ForgetCommand.self, ImportCommand.self, BenchPointer.self,
        ]
    )
}

/// Opens the configured store to read it: a missing SQLite file is an error, never a new empty database.
func openExistingStore(_ configuration: LifelineConfiguration) async throws -> any LifelineStore & ReportSource {
    let path = configuration.storage.path
    if configuration.storage.url == nil, !FileManager.default.fileExists(atPath: path) {
        let source = configuration.sources["storage.path"]?.description ?? "[default]"
        throw CommandFailure(
            "no database at \(path) (storage.path \(source)); point STORAGE_PATH or --config at an existing one, "
                + "or create it with `lifeline migrate` or `lifeline serve`")
    }
    return try await openStore(configuration)
}
