import ArgumentParser

@main
struct Lifeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifeline",
        abstract: "Saves subscription revenue from involuntary, cash-flow-driven churn.",
        subcommands: [Serve.self, Demo.self, Replay.self, Cases.self, Ledger.self, Migrate.self, CheckConfig.self, Report.self, Simulate.self, Bench.self]
    )
}

/// `--config PATH`, shared by every command that reads the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML); environment variables override its keys.")
    var config: String = "config/lifeline.yaml"
}
