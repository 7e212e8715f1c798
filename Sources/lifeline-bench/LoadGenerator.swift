import AsyncHTTPClient
import Foundation
import Histogram
import LifelineCLI
import NIOCore
import Synchronization

/// What one load run measured; Codable so the child process can hand it to the bench.
struct LoadResult: Codable, Sendable {
    var label: String
    var requests: Int
    /// 2xx answers.
    var acknowledged: Int
    /// Non-2xx answers and transport errors, by status or error text.
    var failures: [String: Int]
    /// Indexes of the requests that got no 2xx.
    var failedIndexes: [Int]
    var seconds: Double
    /// Per-request latency in microseconds, from sending the request to the last body byte.
    var latency: Histogram<UInt64>
    /// CPU seconds (user + system, all threads) the server and the load generator spent during the run.
    var serverCPUSeconds: Double?
    var generatorCPUSeconds: Double?
    /// Wall-clock start and end of the run (seconds since 1970), so the server process can time
    /// the projector's catch-up from the same start.
    var startedAt: Double = 0
    var endedAt: Double = 0

    /// Percentiles in milliseconds as another load generator (wrk) reported them, keyed by the
    /// percentile ("50", "99", "99.9", "100"); nil when `latency` holds every request.
    var reported: [String: Double]?

    var perSecond: Double { seconds > 0 ? Double(acknowledged) / seconds : 0 }

    func percentile(_ value: Double) -> Double {
        if let reported { return reported[Self.key(value)] ?? .nan }
        return Double(latency.valueAtPercentile(value)) / 1_000
    }

    var maxMilliseconds: Double { reported == nil ? Double(latency.max) / 1_000 : percentile(100) }

    static func key(_ percentile: Double) -> String { percentile == percentile.rounded() ? String(Int(percentile)) : String(percentile) }
}

/// Posts prepared requests over `connections` concurrent connections, one request in flight
/// per connection, and records each request's latency.
struct LoadGenerator {
    let client: HTTPClient
    let connections: Int

    /// A client whose pool opens exactly as many connections as the run uses.
    static func client(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Opens the connections before timing: `connections` requests at once, a few times.
    /// The server's CPU seconds so far, from the bench-only endpoint; nil if it does not answer.
    func serverCPUSeconds(url: String) async -> Double? {
        guard let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30)),
              let body = try? await response.body.collect(upTo: 1 << 10)
        else { return nil }
        return Double(String(buffer: body))
    }

    func warmUp(url: String) async {
        let request = HTTPClientRequest(url: url)
        for _ in 0..<3 {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        if let response = try? await client.execute(request, timeout: .seconds(30)) {
                            _ = try? await response.body.collect(upTo: 1 << 20)
                        }
                    }
                }
            }
        }
    }

    func run(label: String, requests: [HTTPClientRequest]) async -> LoadResult {
        let next = Counter()
        let clock = ContinuousClock()
        let startedAt = Date().timeIntervalSince1970
        let started = clock.now
        let parts = await withTaskGroup(of: WorkerResult.self) { group in
            for _ in 0..<connections {
                group.addTask { await worker(requests, next: next) }
            }
            var parts: [WorkerResult] = []
            for await part in group { parts.append(part) }
            return parts
        }
        let elapsed = started.duration(to: clock.now)
        var merged = LoadResult(
            label: label, requests: requests.count, acknowledged: 0, failures: [:], failedIndexes: [],
            seconds: elapsed.seconds,
            latency: Self.histogram(), startedAt: startedAt, endedAt: Date().timeIntervalSince1970
        )
        for part in parts {
            merged.acknowledged += part.acknowledged
            merged.failures.merge(part.failures, uniquingKeysWith: +)
            merged.failedIndexes += part.failedIndexes
            merged.latency.add(part.latency)
        }
        return merged
    }

    private struct WorkerResult: Sendable {
        var acknowledged = 0
        var failures: [String: Int] = [:]
        var failedIndexes: [Int] = []
        var latency = LoadGenerator.histogram()
    }

    /// One connection's loop: takes the next request until none is left.
    private func worker(_ requests: [HTTPClientRequest], next: Counter) async -> WorkerResult {
        var result = WorkerResult()
        let clock = ContinuousClock()
        while true {
            let index = next.take()
            guard index < requests.count else { return result }
            let start = clock.now
            do {
                let response = try await client.execute(requests[index], timeout: .seconds(60))
                _ = try await response.body.collect(upTo: 1 << 20)
                if (200..<300).contains(response.status.code) {
                    result.acknowledged += 1
                } else {
                    result.failures["HTTP \(response.status.code)", default: 0] += 1
                    result.failedIndexes.append(index)
                }
            } catch {
                result.failures["\(error)", default: 0] += 1
                result.failedIndexes.append(index)
            }
            let micros = start.duration(to: clock.now) / .microseconds(1)
            _ = result.latency.record(UInt64(max(1, micros.rounded())))
        }
    }

    /// 1 µs to 60 s at three significant digits.
    static func histogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Hands out request indexes to the workers.
    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
    }
}
