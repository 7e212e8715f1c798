import Logging

/// Wraps a log handler so no configured secret reaches it: message, metadata and error text
/// are scrubbed, whatever module logged them. The logger's own metadata (`hb.request.id`, set
/// with `logger[metadataKey:]` or `with(metadataKey:)`) and its metadata provider are kept
/// here, not in the upstream handler, so they are scrubbed with the event's before any line
/// is made: an upstream handler would merge them in unseen.
public struct RedactingLogHandler: LogHandler {
    public var upstream: any LogHandler
    let redactor: SecretRedactor
    public var metadata: Logger.Metadata
    public var metadataProvider: Logger.MetadataProvider?

    public init(upstream: any LogHandler, redactor: SecretRedactor) {
        var upstream = upstream
        self.metadata = upstream.metadata
        self.metadataProvider = upstream.metadataProvider
        upstream.metadata = [:]
        upstream.metadataProvider = nil
        self.upstream = upstream
        self.redactor = redactor
    }

    public var logLevel: Logger.Level {
        get { upstream.logLevel }
        set { upstream.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(redactor.scrub(event.message.description))"
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        event.metadata = merged.isEmpty ? nil : merged.mapValues(scrub)
        if let error = event.error { event.error = RedactedError(text: redactor.scrub(String(describing: error))) }
        upstream.log(event: event)
    }

    func scrub(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(redactor.scrub(text))
        case .stringConvertible(let convertible): .string(redactor.scrub(convertible.description))
        case .array(let values): .array(values.map(scrub))
        case .dictionary(let values): .dictionary(values.mapValues(scrub))
        }
    }

    /// A logger whose lines are scrubbed of `secrets`; the same logger when there are none.
    public static func wrapping(_ logger: Logger, secrets: [String]) -> Logger {
        let redactor = SecretRedactor(secrets: secrets)
        guard !redactor.isEmpty, !(logger.handler is RedactingLogHandler) else { return logger }
        var wrapped = logger
        wrapped.handler = RedactingLogHandler(upstream: logger.handler, redactor: redactor)
        return wrapped
    }
}

/// An error's description once scrubbed, standing in for the error in a log event.
struct RedactedError: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
