import Foundation
import LifelineConfig
import LifelineOutbound
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where log lines go: each line is handed over whole, under a lock, so lines from
/// concurrent requests never interleave.
public final class LogOutput: Sendable {
    private let lock = Mutex(())
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    func write(_ line: String) {
        lock.withLock { _ in sink(line) }
    }

    /// Standard error, like swift-log's own handler: one `write(2)` loop per line.
    public static let standardError = LogOutput { line in
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// `log.format: json`: one JSON object per line, `{"timestamp":"2026-11-23T12:00:00.123Z",
/// "level":"info","label":"lifeline","message":"…",…}` with the metadata flattened beside them
/// (a nested key `a: [b: c]` becomes `"a.b"`; a key that clashes with one of those four, or
/// with `error`, is written `metadata.<key>`). Wrapped in `RedactingLogHandler` like the text
/// handler, so no configured secret reaches a line.
public struct JSONLogHandler: LogHandler {
    public let label: String
    let output: LogOutput
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    static let reserved: Set<String> = ["timestamp", "level", "label", "message", "error"]

    public init(label: String, output: LogOutput = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        output.write(Self.line(
            timestamp: Self.timestamp(), level: event.level, label: label, message: event.message.description,
            error: event.error.map { String(describing: $0) }, metadata: merged
        ))
    }

    /// The line for one event, newline included; public for the tests of its shape.
    public static func line(
        timestamp: String, level: Logger.Level, label: String, message: String, error: String?, metadata: Logger.Metadata
    ) -> String {
        var line = "{"
        func field(_ key: String, _ value: String) {
            if line.count > 1 { line += "," }
            appendString(key, to: &line)
            line += ":"
            appendString(value, to: &line)
        }
        field("timestamp", timestamp)
        field("level", level.rawValue)
        field("label", label)
        field("message", message)
        if let error { field("error", error) }
        var flat: [(String, Logger.MetadataValue)] = []
        flatten(metadata, prefix: "", into: &flat)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            line += ","
            appendString(reserved.contains(key) ? "metadata.\(key)" : key, to: &line)
            line += ":"
            appendValue(value, to: &line)
        }
        line += "}\n"
        return line
    }

    /// Nested dictionaries become dotted keys; strings and arrays stay values.
    static func flatten(_ metadata: Logger.Metadata, prefix: String, into flat: inout [(String, Logger.MetadataValue)]) {
        for (key, value) in metadata {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .dictionary(let nested) = value, !nested.isEmpty {
                flatten(nested, prefix: name, into: &flat)
            } else {
                flat.append((name, value))
            }
        }
    }

    static func appendValue(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let text): appendString(text, to: &line)
        case .stringConvertible(let convertible): appendString(convertible.description, to: &line)
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                appendValue(element, to: &line)
            }
            line += "]"
        case .dictionary(let values):
            line += "{"
            for (index, (key, element)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                appendString(key, to: &line)
                line += ":"
                appendValue(element, to: &line)
            }
            line += "}"
        }
    }

    /// A JSON string: quotes, backslashes and every control character escaped, so a message
    /// can never break its line in two or forge another field.
    static func appendString(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case "\u{2028}": line += "\\u2028"
            case "\u{2029}": line += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    line.unicodeScalars.append(scalar)
                }
            }
        }
        line += "\""
    }

    /// Now in UTC, ISO 8601 with milliseconds: `2026-11-23T12:00:00.123Z`.
    public static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))"
            + "T\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))"
            + ".\(padded(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}

/// The server's log handlers as the configuration asks: `log.format` (text or JSON lines, on
/// standard error), `log.level`, and every configured secret scrubbed before a line is made.
public enum LogSetup {
    public static func level(_ configuration: LifelineConfiguration) -> Logger.Level {
        Logger.Level(rawValue: configuration.log.level.rawValue) ?? .info
    }

    /// The handler for a logger labelled `label`; `output` is where JSON lines go.
    public static func handler(label: String, configuration: LifelineConfiguration, output: LogOutput = .standardError) -> any LogHandler {
        var handler: any LogHandler = switch configuration.log.format {
        case .text: StreamLogHandler.standardError(label: label)
        case .json: JSONLogHandler(label: label, output: output)
        }
        handler.logLevel = level(configuration)
        let redactor = SecretRedactor(secrets: configuredSecrets(configuration))
        return redactor.isEmpty ? handler : RedactingLogHandler(upstream: handler, redactor: redactor)
    }

    /// A logger made as `serve` makes them, writing to `output`.
    public static func logger(label: String, configuration: LifelineConfiguration, output: LogOutput = .standardError) -> Logger {
        Logger(label: label) { label in handler(label: label, configuration: configuration, output: output) }
    }

    /// Makes every logger of the process, Lifeline's and its libraries', follow the
    /// configuration. Once per process (`lifeline serve`): swift-log allows no second call.
    public static func bootstrap(_ configuration: LifelineConfiguration) {
        LoggingSystem.bootstrap { label in handler(label: label, configuration: configuration) }
    }
}
