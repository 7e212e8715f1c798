import Foundation
import LifelineCLI
import LifelineStore
import Synchronization

/// Prints the projector's lag while a burst runs and after it, until the log is caught up.
final class LagMonitor: Sendable {
    struct Sample: Sendable {
        /// Seconds since the monitor started.
        var at: Double
        var lagEvents: Int
    }

    let store: any LifelineStore
    let interval: Duration
    private let started = Date()
    private let recorded = Mutex<[Sample]>([])

    init(store: any LifelineStore, interval: Duration) {
        self.store = store
        self.interval = interval
    }

    var samples: [Sample] { recorded.withLock { $0 } }

    /// Runs `body` while printing the lag every `interval` (lines only while events wait).
    func watching<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let poller = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if let lag = try? await sample(), lag > 0 { print(line(lag, "during the burst")) }
            }
        }
        defer { poller.cancel() }
        return try await body()
    }

    /// Polls until no event waits; returns when that was seen (seconds since 1970).
    func waitUntilCaughtUp() async throws -> Double {
        var lastPrinted = Date.distantPast
        while true {
            let lag = try await sample()
            if lag == 0 {
                let now = Date()
                print(String(format: "projection lag: 0 events at +%.2f s (caught up)", now.timeIntervalSince(started)))
                return now.timeIntervalSince1970
            }
            if Date().timeIntervalSince(lastPrinted) >= interval.seconds {
                print(line(lag, "after the burst"))
                lastPrinted = Date()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func sample() async throws -> Int {
        let status = try await store.projectionStatus(now: Int64(Date().timeIntervalSince1970))
        let at = Date().timeIntervalSince(started)
        recorded.withLock { $0.append(Sample(at: at, lagEvents: status.lagEvents)) }
        return status.lagEvents
    }

    private func line(_ lag: Int, _ when: String) -> String {
        String(format: "projection lag: %d events at +%.1f s (%@)", lag, Date().timeIntervalSince(started), when)
    }
}
