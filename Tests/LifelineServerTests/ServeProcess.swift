import AsyncHTTPClient
import Foundation

/// `lifeline serve` as a child process that the test can SIGKILL and start again on the same
/// port and SQLite file. Each run logs to its own file in `directory`.
final class ServeProcess: @unchecked Sendable {
    // @unchecked: only the test's own task touches `process` and `runs`, one call at a time.
    let configPath: String
    let environment: [String: String]
    let directory: URL
    private(set) var port: Int = 0
    /// Unix time of the last start; leases taken before it belong to a dead process.
    private(set) var startedAt: Int64 = 0
    private var process: Process?
    private var runs = 0

    init(configPath: String, environment: [String: String], directory: URL) {
        self.configPath = configPath
        self.environment = environment
        self.directory = directory
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server (on a random port the first time, then on the same one) and waits
    /// until `/health` answers.
    func start(client: HTTPClient) async throws {
        guard let binary = LifelineBinary.url else { throw LifelineBinary.Missing() }
        runs += 1
        let log = directory.appendingPathComponent("serve-\(runs).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", configPath]
        process.environment = LifelineBinary.environment(environment.merging(["HTTP_PORT": String(port)]) { _, new in new })
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        startedAt = Int64(Date().timeIntervalSince1970)
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw Failure(log: log, problem: "exited with \(process.terminationStatus)") }
            if port == 0, let found = Self.listeningPort(in: log) { port = found }
            if port != 0, await isHealthy(client: client) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(log: log, problem: "did not answer /health within 30 s")
    }

    /// The running process's id, for tests that signal it or find its connections.
    var processIdentifier: Int32? {
        guard let process, process.isRunning else { return nil }
        return process.processIdentifier
    }

    /// Freezes the process where it is (SIGSTOP): its sockets stay open, it does nothing more.
    func pause() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGSTOP)
    }

    /// Lets a paused process go on (SIGCONT).
    func resume() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGCONT)
    }

    /// No shutdown, no flush: the kernel just removes the process.
    func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A graceful stop (SIGTERM), as a deployment would do.
    /// Waits on a thread of its own: the exit may wait for the test's own partner stub to answer,
    /// which needs the cooperative pool free.
    func terminate() async {
        guard let process, process.isRunning else { return }
        process.terminate()
        await waitForExit()
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Sends SIGTERM and returns at once; `waitForExit` waits for the process to end.
    func beginTermination() {
        guard let process, process.isRunning else { return }
        process.terminate()
    }

    /// Waits on a thread of its own until the process has exited.
    func waitForExit() async {
        guard let process else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                process.waitUntilExit()
                continuation.resume()
            }.start()
        }
    }

    func isHealthy(client: HTTPClient) async -> Bool {
        var request = HTTPClientRequest(url: "\(baseURL)/health")
        request.method = .GET
        guard let response = try? await client.execute(request, timeout: .milliseconds(500)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status == .ok
    }

    /// The current run's log so far.
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("serve-\(runs).log"), encoding: .utf8)) ?? ""
    }

    /// Hummingbird logs `Server started and listening on 127.0.0.1:PORT`.
    static func listeningPort(in log: URL) -> Int? {
        guard let text = try? String(contentsOf: log, encoding: .utf8),
              let range = text.range(of: "listening on 127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    struct Failure: Error, CustomStringConvertible {
        var log: URL
        var problem: String
        var description: String {
            "lifeline serve \(problem); log:\n" + ((try? String(contentsOf: log, encoding: .utf8)) ?? "(none)").suffix(2_000)
        }
    }
}
