import ArgumentParser
import Hummingbird
import LifelineCLI
import LifelineConfig
import LifelineServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the webhook server.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        // log.level and log.format for every logger of the process, secrets scrubbed.
        LogSetup.bootstrap(configuration)
        let logger = Logger(label: "lifeline")
        let store = try await openStore(configuration)
        for warning in configuration.warnings { logger.warning("\(warning)") }
        logger.info("starting", metadata: [
            "address": "\(configuration.http.host):\(configuration.http.port)",
            "storage": "\(storageDescription(configuration))",
        ])
        let app = buildApplication(configuration: configuration, dependencies: AppDependencies(store: store, logger: logger))
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the store's schema, then exit.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        _ = try await openStore(configuration)
        print("migrated \(storageDescription(configuration))")
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Print the resolved configuration with secrets redacted, and where each value came from.",
        discussion: "Exit status: 0 valid; 1 refused (unknown key, bad value); 2 warnings with --strict."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Exit with status 2 when there are warnings, not only on errors (status 1).")
    var strict = false

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        print(configuration.redactedDescription)
        let warnings = configuration.warnings
        for warning in warnings { print("warning: \(warning)") }
        if strict, !warnings.isEmpty { throw ExitCode(2) }
    }
}

struct Ledger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the ledger: customers, MRR, invoices, failures, movements.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openExistingStore(configuration)
        print(try await LedgerReport.render(store))
    }
}
