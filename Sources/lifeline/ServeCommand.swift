import ArgumentParser
import Hummingbird
import LifelineConfig
import LifelineServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the webhook server.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        var logger = Logger(label: "lifeline")
        logger.logLevel = .info
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
        abstract: "Print the resolved configuration with secrets redacted."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        print(configuration.redactedDescription)
        for warning in configuration.warnings { print("warning: \(warning)") }
    }
}

struct Ledger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the ledger: customers, MRR, invoices, failures, movements.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openStore(configuration)
        print(try await LedgerReport.render(store))
    }
}
