import Configuration
import Foundation
import LifelineCore
import SystemPackage
import Yams

/// Reads `config/lifeline.yaml` (or `--config PATH`) under environment overrides named after
/// each key's path (`http.port` → `HTTP_PORT`; lists comma-separated).
public enum ConfigurationLoader {
    public enum LoadError: Error, CustomStringConvertible {
        case missingFile(String)
        case invalid(key: String, problem: String)

        public var description: String {
            switch self {
            case .missingFile(let path): "configuration file not found: \(path)"
            case .invalid(let key, let problem): "configuration key \(key): \(problem)"
            }
        }
    }

    /// - Parameters:
    ///   - path: the YAML file; nil reads only defaults and the environment.
    ///   - environment: variables to read; the process environment when nil.
    public static func load(path: String?, environment: [String: String]? = nil) async throws -> LifelineConfiguration {
        var providers: [any ConfigProvider] = []
        let secretKeys = Set(Self.secretEnvironmentNames)
        if let environment {
            providers.append(EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secretKeys)))
        } else {
            providers.append(EnvironmentVariablesProvider(secretsSpecifier: .specific(secretKeys)))
        }
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw LoadError.missingFile(path) }
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path)))
        }
        providers.append(InMemoryProvider(name: "defaults", values: defaults))
        let reader = ConfigReader(providers: providers)
        var configuration = try resolve(reader, configDirectory: path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path })
        let fileText = try path.map { try String(contentsOfFile: $0, encoding: .utf8) }
        configuration.partners = try partners(reader, fileText: fileText)
        configuration.reports = try ReportSettingsLoader.resolve(reader)
        if let path {
            do {
                configuration.recovery = try RecoveryConfigLoader.load(path: path)
            } catch {
                throw LoadError.invalid(key: "recovery", problem: error.description)
            }
        }
        return configuration
    }

    /// Partner names are keys under `partners:` in the file, plus `PARTNERS_NAMES` (comma-separated)
    /// for partners defined only in the environment; each one's url and secret then resolve as usual.
    static func partners(_ config: ConfigReader, fileText: String?) throws -> [String: LifelineConfiguration.Partner] {
        var names = Set(config.stringArray(forKey: "partners.names") ?? [])
        if let fileText, let root = try Yams.load(yaml: fileText) as? [String: Any],
           let section = root["partners"] as? [String: Any] {
            names.formUnion(section.keys.filter { $0 != "names" })
        }
        var partners: [String: LifelineConfiguration.Partner] = [:]
        for name in names.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }) {
            guard let url = nonEmpty(config.string(forKey: ConfigKey("partners.\(name).url"))) else {
                throw LoadError.invalid(key: "partners.\(name).url", problem: "missing")
            }
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw LoadError.invalid(key: "partners.\(name).url", problem: "must start with http:// or https://")
            }
            guard let secret = nonEmpty(config.string(forKey: ConfigKey("partners.\(name).secret"), isSecret: true)) else {
                throw LoadError.invalid(key: "partners.\(name).secret", problem: "missing (set PARTNERS_\(name.uppercased())_SECRET)")
            }
            partners[name] = .init(url: url, secret: secret)
        }
        return partners
    }

    static let secretEnvironmentNames = [
        "PROVIDERS_STRIPE_SECRETS", "PROVIDERS_GOCARDLESS_SECRETS", "PROVIDERS_STANDARD_SECRETS",
        "ADMIN_TOKENS", "STRIPE_API_KEY", "STORAGE_URL",
    ]

    static let defaults: [AbsoluteConfigKey: ConfigValue] = [
        "http.host": .init(.string("127.0.0.1"), isSecret: false),
        "http.port": .init(.int(8080), isSecret: false),
        "http.max_body_bytes": .init(.int(256 * 1024), isSecret: false),
        "http.idle_timeout_seconds": .init(.int(60), isSecret: false),
        "http.header_read_timeout_seconds": .init(.int(10), isSecret: false),
        "http.body_read_timeout_seconds": .init(.int(30), isSecret: false),
        "storage.path": .init(.string("lifeline.sqlite"), isSecret: false),
        "providers.stripe.tolerance_seconds": .init(.int(300), isSecret: false),
        "providers.standard.tolerance_seconds": .init(.int(300), isSecret: false),
        "stripe.api_base": .init(.string("https://api.stripe.com"), isSecret: false),
        "classification.reason_codes": .init(.string("reason-codes.yaml"), isSecret: false),
    ]

    static func resolve(_ config: ConfigReader, configDirectory: String?) throws -> LifelineConfiguration {
        var http = LifelineConfiguration.HTTP(
            host: try config.requiredString(forKey: "http.host"),
            port: try config.requiredInt(forKey: "http.port"),
            maxBodyBytes: try config.requiredInt(forKey: "http.max_body_bytes")
        )
        http.idleTimeoutSeconds = try config.requiredInt(forKey: "http.idle_timeout_seconds")
        http.headerReadTimeoutSeconds = try config.requiredInt(forKey: "http.header_read_timeout_seconds")
        http.bodyReadTimeoutSeconds = try config.requiredInt(forKey: "http.body_read_timeout_seconds")
        for (key, seconds) in [
            ("http.idle_timeout_seconds", http.idleTimeoutSeconds), ("http.header_read_timeout_seconds", http.headerReadTimeoutSeconds),
            ("http.body_read_timeout_seconds", http.bodyReadTimeoutSeconds),
        ] where seconds <= 0 {
            throw LoadError.invalid(key: key, problem: "must be positive, got \(seconds)")
        }
        guard (0...65_535).contains(http.port) else { throw LoadError.invalid(key: "http.port", problem: "\(http.port) is not a TCP port") }
        guard http.maxBodyBytes > 0 else { throw LoadError.invalid(key: "http.max_body_bytes", problem: "must be positive") }
        let storage = LifelineConfiguration.Storage(
            path: try config.requiredString(forKey: "storage.path"),
            url: nonEmpty(config.string(forKey: "storage.url", isSecret: true))
        )
        let providers = LifelineConfiguration.Providers(
            stripeSecrets: secrets(config, "providers.stripe.secrets"),
            stripeToleranceSeconds: try config.requiredInt(forKey: "providers.stripe.tolerance_seconds"),
            gocardlessSecrets: secrets(config, "providers.gocardless.secrets"),
            standardSecrets: secrets(config, "providers.standard.secrets"),
            standardToleranceSeconds: try config.requiredInt(forKey: "providers.standard.tolerance_seconds")
        )
        for (key, seconds) in [("providers.stripe.tolerance_seconds", providers.stripeToleranceSeconds), ("providers.standard.tolerance_seconds", providers.standardToleranceSeconds)]
        where seconds <= 0 {
            throw LoadError.invalid(key: key, problem: "must be positive, got \(seconds)")
        }
        var reasonCodesPath = try config.requiredString(forKey: "classification.reason_codes")
        if !reasonCodesPath.hasPrefix("/"), let configDirectory {
            reasonCodesPath = URL(fileURLWithPath: configDirectory).appendingPathComponent(reasonCodesPath).path
        }
        let reasonCodes: ReasonCodeTable
        do {
            reasonCodes = try ReasonCodeLoader.load(path: reasonCodesPath)
        } catch {
            throw LoadError.invalid(key: "classification.reason_codes", problem: "\(reasonCodesPath): \(error)")
        }
        return LifelineConfiguration(
            http: http, storage: storage, providers: providers,
            adminTokens: secrets(config, "admin.tokens"),
            reasonCodesPath: reasonCodesPath,
            outbound: .init(
                dunningURL: nonEmpty(config.string(forKey: "dunning.url")),
                stripeAPIBase: try config.requiredString(forKey: "stripe.api_base"),
                stripeAPIKey: nonEmpty(config.string(forKey: "stripe.api_key", isSecret: true))
            ),
            reasonCodes: reasonCodes
        )
    }

    /// A list of secrets; blanks from a trailing comma in the environment are dropped.
    static func secrets(_ config: ConfigReader, _ key: ConfigKey) -> [String] {
        (config.stringArray(forKey: key, isSecret: true) ?? [])
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }
}
