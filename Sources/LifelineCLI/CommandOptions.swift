import ArgumentParser

/// `--config PATH`, shared by every command that reads the configuration.
public struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML); environment variables override its keys.")
    public var config: String = "config/lifeline.yaml"

    public init() {}
}

/// A command that could not do its job; ArgumentParser prints it as `Error: …` and exits 1.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
