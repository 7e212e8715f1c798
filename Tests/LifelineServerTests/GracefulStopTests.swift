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

        // The partner holds its answers until the test lets them go, after the stop has begun:
        // the calls are in flight when SIGTERM arrives, whatever the machine's speed.
        let hold = StubHold()
        try await PartnerStub.run(replies: [], fallback: StubReply(status: 201, hold: hold)) { stub, stubURL in
            defer { hold.release() }  // never leave the stub's handlers waiting, whatever fails
            let environment = CrashScenario.environment(directory: directory, stubURL: stubURL)
            let server = ServeProcess(configPath: configPath, environment: environment, directory: directory)
            defer { server.kill() }
            try await server.start(client: http)
            let load = CrashLoad(total: events.count)
            await load.send(events, to: server.baseURL, client: http, deadline: .now + .seconds(20))
            #expect(load.acknowledged.withLock { $0.count } == events.count)

            // Both partner calls have arrived and wait for their answer (bounded polls, not timing).
            let arrived = ContinuousClock.now + .seconds(20)
            while hold.waiting < 2, ContinuousClock.now < arrived {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(hold.waiting == 2)
            #expect(stub.requests.count == 2)
            server.beginTermination()
            // The stop has begun: the HTTP server, stopped first, no longer answers, while the
            // process waits for the dispatcher's calls.
            let stopping = ContinuousClock.now + .seconds(20)
            var listening = true
            while listening, ContinuousClock.now < stopping {
                listening = await server.isHealthy(client: http)
                if listening { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(!listening, "SIGTERM did not stop the HTTP server")
            #expect(server.isRunning, "the server exited with its partner calls unanswered: \(server.log.suffix(2_000))")
            #expect(!server.log.contains("outbox dispatcher stopped"))
            hold.release()
            await server.waitForExit()

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
