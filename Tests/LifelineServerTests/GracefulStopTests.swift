import AsyncHTTPClient
import Foundation
import LifelineCore
import LifelineTestSupport
import Testing

/// A deployment stops `lifeline serve` with SIGTERM: the partner calls in flight are finished
/// and recorded before the process exits, so nothing is sent twice on the next start.
@Suite("Graceful stop", .serialized)
struct GracefulStopTests {
    @Test(.timeLimit(.minutes(1)))
    func sigtermWaitsForTheCallsInFlightAndRecordsThem() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configPath = directory.appendingPathComponent("lifeline.yaml").path
        try CrashScenario.configuration(requestTimeoutSeconds: 30).write(toFile: configPath, atomically: true, encoding: .utf8)
        let events = CrashScenario.events(customers: 1, now: Int64(Date().timeIntervalSince1970))[0]
        let http = HTTPClient(eventLoopGroupProvider: .singleton)

        // The partner answers after a second, well within the 30 s request timeout even on a busy machine.
        try await PartnerStub.run(replies: [], fallback: StubReply(status: 201, delay: .seconds(1))) { stub, stubURL in
            let environment = CrashScenario.environment(directory: directory, stubURL: stubURL)
            let server = ServeProcess(configPath: configPath, environment: environment, directory: directory)
            defer { server.kill() }
            try await server.start(client: http)
            let load = CrashLoad(total: events.count)
            await load.send(events, to: server.baseURL, client: http, deadline: .now + .seconds(20))
            #expect(load.acknowledged.withLock { $0.count } == events.count)

            // Both partner calls have arrived and wait for their answer: stop now.
            let arrived = ContinuousClock.now + .seconds(20)
            while stub.requests.count < 2, ContinuousClock.now < arrived {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(stub.requests.count == 2)
            await server.terminate()

            let store = try await CrashSafetyTests.openStore(configPath: configPath, environment: environment)
            let calls = try await store.actions(status: nil).filter { $0.kind != .notifyOps }
            #expect(calls.count == 2)
            for action in calls {
                #expect(action.status == .delivered, "\(action.id): \(action.status)")
                let attempts = try await store.attempts(actionID: action.id)
                #expect(attempts.map(\.outcome) == [.delivered], "\(action.id): \(attempts.map { "\($0.outcome) \($0.error ?? "")" })")
            }
        }
        try await http.shutdown()
        let log = try String(contentsOf: directory.appendingPathComponent("serve-1.log"), encoding: .utf8)
        #expect(log.contains("outbox dispatcher stopped"))
    }
}
