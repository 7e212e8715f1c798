import Logging
import Synchronization

/// A swift-log handler that keeps every line, at every level, so a test can search them.
struct CapturingLogHandler: LogHandler {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        lines.append("\(event.level) \(event.source) \(event.message) \(fields)\(error)")
    }

    /// A logger whose every line, from the app and from Hummingbird, lands in `lines`.
    static func logger(_ lines: Lines) -> Logger {
        Logger(label: "lifeline.captured") { _ in CapturingLogHandler(lines: lines) }
    }
}
