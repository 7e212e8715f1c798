import Foundation

/// The built `lifeline` executable, for tests that need a real process (SIGKILL, CLI output).
enum LifelineBinary {
    /// Next to the test bundle (`swift test` builds every product into the same directory),
    /// else the default `.build/debug` of the repository.
    static var url: URL? {
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        directories.append(ServerFixture.repository.appendingPathComponent(".build/debug"))
        return directories
            .map { $0.appendingPathComponent("lifeline") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Only what the process needs, so no variable of the developer's shell changes its config.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"]
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs a command to its end and returns its exit status and its output (stdout and stderr).
    static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        guard let url else { throw Missing() }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = Self.environment(environment)
        process.currentDirectoryURL = ServerFixture.repository
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "the lifeline executable was not found; run `swift build` first" }
    }
}
