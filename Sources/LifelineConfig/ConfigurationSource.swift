import Configuration
import Synchronization

/// Where a resolved value came from, as `check-config` shows it.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    case file
    /// The variable's name, e.g. `HTTP_PORT` or `LIFELINE_DATABASE_URL`.
    case environment(String)
    case `default`

    public var description: String {
        switch self {
        case .file: "[file]"
        case .environment(let name): "[environment \(name)]"
        case .default: "[default]"
        }
    }

    /// "from environment HTTP_PORT", to name the culprit in an error.
    var phrase: String {
        switch self {
        case .file: "from the file"
        case .environment(let name): "from environment \(name)"
        case .default: "the default"
        }
    }
}

/// Records, for every key the loader reads, which provider answered it.
final class SourceRecorder: AccessReporter, Sendable {
    /// Provider name of the in-memory provider that carries `LIFELINE_DATABASE_URL` as `storage.url`.
    static let databaseURLProvider = "LIFELINE_DATABASE_URL"
    private let sources = Mutex<[String: ConfigurationSource]>([:])

    var all: [String: ConfigurationSource] { sources.withLock { $0 } }

    func report(_ event: AccessEvent) {
        let key = event.metadata.key.components.joined(separator: ".")
        for provider in event.providerResults {
            guard case .success(let lookup) = provider.result, lookup.value != nil else { continue }
            let source: ConfigurationSource
            if provider.providerName.hasPrefix("EnvironmentVariablesProvider") {
                source = .environment(lookup.encodedKey)
            } else if provider.providerName.hasPrefix("FileProvider") {
                source = .file
            } else if provider.providerName.contains(Self.databaseURLProvider) {
                source = .environment(Self.databaseURLProvider)
            } else {
                source = .default
            }
            sources.withLock { $0[key] = source }
            return
        }
    }
}
