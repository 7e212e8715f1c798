import ArgumentParser

/// The benchmarks are their own executable, so the production binary does not carry the load
/// generator; `lifeline bench …` says where they went instead of failing as an unknown command.
struct BenchPointer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Moved: the benchmarks are the lifeline-bench executable.",
        shouldDisplay: false
    )

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() throws {
        let rest = arguments.isEmpty ? "ingest" : arguments.joined(separator: " ")
        print("""
            The benchmarks are no longer part of lifeline; they are their own executable:
              swift run -c release --scratch-path .build-release lifeline-bench \(rest)
            See BENCHMARKS.md.
            """)
        throw ExitCode(64)
    }
}
