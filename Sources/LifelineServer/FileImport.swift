import CSV
import Foundation
import LifelineCore
import LifelineProviders
import LifelineStore

/// `lifeline import file`: history from any billing system, as JSON Lines or CSV of Lifeline's
/// generic events, appended to the log with origin `import` (never an action) and projected.
/// Each row is checked exactly as a Standard Webhooks body would be; a bad row is reported with
/// its line and skipped, never half-applied. Rows are appended in file order, a chunk per
/// transaction; a second run of the same file logs nothing new.
public struct FileImport: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, csv

        /// From the file name: `.csv` is CSV, anything else JSON Lines.
        public init(path: String) {
            self = path.lowercased().hasSuffix(".csv") ? .csv : .jsonl
        }
    }

    /// One row of the file: where it starts and the generic event's JSON.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var body: Result<[UInt8], WebhookRejection>
    }

    /// A row that was not imported, and why.
    public struct Refusal: Sendable, Equatable, Codable {
        public var line: Int
        public var error: String
        public var detail: String
    }

    public struct Summary: Sendable, Equatable, Codable {
        public var rows = 0
        public var stored = 0
        public var duplicates = 0
        public var ignored = 0
        public var refused: [Refusal] = []
        /// Events the projector applied once the rows were logged, and those it could not (listed at /api/v1/projection/failures).
        public var projected = 0
        public var projectionFailures = 0

        enum CodingKeys: String, CodingKey {
            case rows, stored, duplicates, ignored, refused, projected
            case projectionFailures = "projection_failures"
        }
    }

    public struct FileError: Error, CustomStringConvertible {
        public var description: String
    }

    let store: any LifelineStore
    let clock: any WallClock
    let normalizer: StandardProvider
    let chunkSize: Int

    public init(store: any LifelineStore, clock: any WallClock, chunkSize: Int = 500) {
        self.store = store
        self.clock = clock
        // Only `normalize` is used: a file has no signature to check.
        normalizer = StandardProvider(signature: StandardWebhooksSignature(secrets: [], toleranceSeconds: 300))
        self.chunkSize = chunkSize
    }

    /// The rows of a file's bytes: one JSON object per line, or a CSV whose header names paths.
    public static func rows(of data: Data, format: Format) throws -> [Row] {
        switch format {
        case .jsonl:
            var rows: [Row] = []
            var line = 0
            for slice in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                line += 1
                var bytes = Array(slice)
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { continue }
                rows.append(Row(line: line, body: .success(bytes)))
            }
            return rows
        case .csv:
            guard let text = String(data: data, encoding: .utf8) else { throw FileError(description: "the CSV file is not UTF-8") }
            let reader: CSVReader
            do {
                reader = try CSVReader(string: text, hasHeaderRow: true)
            } catch {
                throw FileError(description: "the CSV file cannot be read: \(error)")
            }
            let paths: [[String]]
            do {
                paths = try GenericEventCSV.check(header: reader.headerRow ?? [])
            } catch {
                throw FileError(description: "line 1: \(error)")
            }
            var rows: [Row] = []
            var line = 1
            while let cells = reader.next() {
                // Lines this record spans (a quoted cell may hold line breaks).
                line += 1
                let start = line
                line += cells.reduce(0) { $0 + $1.filter { $0 == "\n" }.count }
                if cells.allSatisfy(\.isEmpty) { continue }
                rows.append(Row(line: start, body: Result { () throws(WebhookRejection) in try GenericEventCSV.json(paths: paths, cells: cells) }))
            }
            if let error = reader.error { throw FileError(description: "line \(line + 1): \(error)") }
            return rows
        }
    }

    /// Logs the rows (origin `import`), then projects until the log is caught up.
    public func run(_ rows: [Row], source: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        var summary = Summary()
        summary.rows = rows.count
        var done = 0
        for chunk in stride(from: 0, to: rows.count, by: chunkSize).map({ rows[$0..<min($0 + chunkSize, rows.count)] }) {
            var deliveries: [IncomingDelivery] = []
            let now = clock.nowSeconds()
            for row in chunk {
                do {
                    let body = try row.body.get()
                    let normalized = try normalizer.normalize(body: body)
                    deliveries.append(IncomingDelivery(
                        provider: .standard, receivedAt: now, headers: ["import-source": source, "import-line": String(row.line)],
                        body: body, events: normalized.events
                    ))
                } catch {
                    summary.refused.append(Refusal(line: row.line, error: "malformed_payload", detail: error.detail))
                }
            }
            for result in try await store.append(contentsOf: deliveries, origin: .import) {
                summary.stored += result.stored.count
                summary.duplicates += result.duplicates.count
                summary.ignored += result.ignored.count
            }
            done += chunk.count
            progress(done, rows.count)
        }
        // Project what was logged (a `serve` on the same store may be projecting too: each
        // batch is one transaction with its cursor or lock, so nothing is applied twice).
        let projected = try await store.projectAll(now: clock.nowSeconds())
        summary.projected = projected.applied
        summary.projectionFailures = projected.failed
        return summary
    }
}
