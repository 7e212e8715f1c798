import ArgumentParser
import Foundation
import LifelineCLI

/// `ingest --generator wrk`: the same signed bodies posted by wrk through a Lua script for a fixed
/// time, first to a route that answers 404 (the baseline), then to `/webhooks/stripe`. The corpus is written by
/// a child process (`lifeline-bench corpus`), so it never counts in the server's RSS.
struct WrkRun {
    let baseURLs: [String]
    let directory: URL
    let bench: Bench.IngestBench

    func run() async throws -> LoadReport {
        let corpus = directory.appendingPathComponent("corpus.bin")
        let script = directory.appendingPathComponent("post.lua")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        try await ChildProcess.run(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), [
            "corpus", "--events", "\(bench.events)", "--customers", "\(bench.customers)", "--secret", Bench.IngestBench.secret,
            "--webhooks", bench.webhooks, "--output", corpus.path,
        ])
        let bytes = (try? FileManager.default.attributesOfItem(atPath: corpus.path)[.size] as? Int) ?? 0
        // wrk takes one URL: with several instances, each gets an equal share of connections.
        let baseline = try await post(path: Bench.IngestBench.notFoundPath, label: "404 POST", corpus: corpus, script: script)
        print("wrk: 404 baseline done in \(String(format: "%.2f", baseline.seconds)) s")
        let webhooks = try await post(path: "/webhooks/stripe", label: "webhooks", corpus: corpus, script: script)
        print("wrk: webhooks done in \(String(format: "%.2f", webhooks.seconds)) s")
        return LoadReport(bare: baseline, webhooks: webhooks, unacknowledged: [], corpusBytes: bytes, generatorPeakMiB: nil)
    }

    /// One wrk per instance at once, each posting its share of the corpus; their figures merged.
    func post(path: String, label: String, corpus: URL, script: URL) async throws -> LoadResult {
        let count = baseURLs.count
        let directory = directory
        let threads = bench.wrkThreads
        let connections = max(threads, bench.connections / count)
        let duration = bench.wrkSeconds
        let cycle = path == Bench.IngestBench.notFoundPath
        let results = try await withThrowingTaskGroup(of: WrkFigures.self) { group in
            for (index, url) in baseURLs.enumerated() {
                group.addTask {
                    let output = directory.appendingPathComponent("wrk-\(index).out")
                    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
                    let handle = try FileHandle(forWritingTo: output)
                    defer { try? handle.close() }
                    try await ChildProcess.run("/usr/bin/wrk", [
                        "-t", "\(threads)", "-c", "\(connections)", "-d", "\(duration)s", "--timeout", "60s", "-s", script.path,
                        url, "--", path, corpus.path, "\(threads)", "\(index)", "\(count)", cycle ? "cycle" : "once",
                    ], standardOutput: handle)
                    return try WrkFigures(output: String(decoding: try Data(contentsOf: output), as: UTF8.self))
                }
            }
            var all: [WrkFigures] = []
            for try await result in group { all.append(result) }
            return all
        }
        if results.contains(where: { $0.exhausted > 0 }) {
            print("wrk: the corpus ran out before the \(duration) s were over; pass more --events or fewer --wrk-seconds (the rate is understated)")
        }
        let seconds = results.map(\.seconds).max() ?? 0
        let endedAt = Date().timeIntervalSince1970
        let requests = results.reduce(0) { $0 + $1.requests }
        let failed = results.reduce(0) { $0 + $1.errors } + (path == Bench.IngestBench.notFoundPath ? 0 : results.reduce(0) { $0 + $1.non2xx })
        let worst = { (key: String) in results.map { $0.milliseconds[key] ?? .nan }.max() ?? .nan }
        return LoadResult(
            label: label, requests: requests, acknowledged: requests - failed,
            failures: failed > 0 ? ["non-2xx or socket error": failed] : [:], failedIndexes: [], seconds: seconds,
            latency: LoadGenerator.histogram(), startedAt: endedAt - seconds, endedAt: endedAt,
            reported: ["50": worst("50"), "99": worst("99"), "99.9": worst("99.9"), "100": worst("100")]
        )
    }

    /// What the script's `done` prints on its `BENCHJSON` line.
    struct WrkFigures {
        var requests: Int
        var seconds: Double
        var non2xx: Int
        var errors: Int
        var exhausted: Int
        var milliseconds: [String: Double]

        init(output: String) throws {
            guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("BENCHJSON ") }),
                  let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst("BENCHJSON ".count).utf8)) as? [String: Any]
            else { throw BenchError("wrk printed no figures:\n\(output)") }
            func number(_ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? .nan }
            requests = Int(number("requests"))
            seconds = number("duration_us") / 1e6
            non2xx = Int(number("non2xx"))
            errors = Int(number("errors"))
            exhausted = Int(number("exhausted"))
            milliseconds = ["50": number("p50") / 1_000, "99": number("p99") / 1_000, "99.9": number("p999") / 1_000, "100": number("max") / 1_000]
        }
    }

    /// Each wrk thread keeps every `threads`-th record of the instance's share of the corpus
    /// (records are a signature line, the body, then a 0x01 byte) and posts them in turn for the
    /// run's duration. Webhooks are posted once each: a thread that runs out asks for `/health`
    /// instead (and `done` reports it, the corpus was too small); the 404 baseline cycles.
    static let script = #"""
    local threads = {}
    function setup(thread)
      thread:set("thread_index", #threads)
      table.insert(threads, thread)
    end

    local records = {}
    local cycle = false
    exhausted = 0
    local sent = 0

    function init(args)
      local path, file_path = args[1], args[2]
      local count, instance, instances = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
      cycle = args[6] == "cycle"
      local file = assert(io.open(file_path, "rb"))
      local content = file:read("*a")
      file:close()
      local position, n = 1, 0
      while true do
        local stop = string.find(content, "\1", position, true)
        if not stop then break end
        if n % instances == instance and math.floor(n / instances) % count == thread_index then
          local newline = string.find(content, "\n", position, true)
          local headers = {
            ["Content-Type"] = "application/json",
            ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            ["Stripe-Signature"] = string.sub(content, position, newline - 1),
          }
          records[#records + 1] = wrk.format("POST", path, headers, string.sub(content, newline + 1, stop - 1))
        end
        n = n + 1
        position = stop + 1
      end
    end

    function request()
      sent = sent + 1
      if sent > #records then
        if cycle then
          sent = 1
        else
          exhausted = 1
          return wrk.format("GET", "/health")
        end
      end
      return records[sent]
    end

    function done(summary, latency, requests)
      local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
      local ran_out = 0
      for _, thread in ipairs(threads) do ran_out = ran_out + thread:get("exhausted") end
      io.write(string.format(
        'BENCHJSON {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"p999":%d,"max":%d,"non2xx":%d,"errors":%d,"exhausted":%d}\n',
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
        latency.max, summary.errors.status, errors, ran_out))
    end
    """#
}

extension Bench {
    /// Writes the signed webhooks of an ingest run for wrk's script, in a process of its own.
    struct CorpusBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "corpus",
            abstract: "Writes the signed webhooks of `ingest --generator wrk` (used by it).",
            shouldDisplay: false
        )

        @Option var events: Int
        @Option var customers: Int
        @Option var secret: String
        @Option var webhooks: String = "Webhooks"
        @Option var output: String

        func run() async throws {
            let templates = try BenchWebhooks.load(directory: "\(webhooks)/stripe")
            let timestamp = Int64(Date().timeIntervalSince1970)
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            defer { try? handle.close() }
            var chunk: [UInt8] = []
            for start in stride(from: 0, to: events, by: 1_000) {
                chunk.removeAll(keepingCapacity: true)
                for webhook in templates.signed(start..<min(start + 1_000, events), customers: customers, runID: BenchWebhooks.runID, secret: secret, timestamp: timestamp) {
                    chunk.append(contentsOf: webhook.signature.utf8)
                    chunk.append(0x0A)
                    chunk.append(contentsOf: webhook.body)
                    chunk.append(0x01)
                }
                try handle.write(contentsOf: chunk)
            }
        }
    }
}
