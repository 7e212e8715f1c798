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
        /// The file is not YAML, or not readable.
        case unreadable(path: String, problem: String)
        case invalid(key: String, problem: String)
        /// Keys of the file that Lifeline does not read, all of them at once.
        case unknownKeys(path: String, keys: [UnknownKey])
        /// Several values refused at once.
        case several([LoadError])

        public var description: String {
            switch self {
            case .missingFile(let path): "configuration file not found: \(path)"
            case .unreadable(let path, let problem): "configuration file \(path): \(problem)"
            case .invalid(let key, let problem): "configuration key \(key): \(problem)"
            case .unknownKeys(let path, let keys):
                keys.map { "\(path): unknown key `\($0.key)`\($0.suggestion.map { "; did you mean `\($0)`?" } ?? "")" }
                    .joined(separator: "\n")
            case .several(let errors): errors.map(\.description).joined(separator: "\n")
            }
        }
    }

    /// A key of the file that nothing reads, and the known key it most likely meant.
    public struct UnknownKey: Sendable, Equatable {
        /// The dotted path, e.g. `providers.stripe.secret`.
        public var key: String
        /// The last component it probably meant, e.g. `secrets`.
        public var suggestion: String?

        public init(key: String, suggestion: String?) {
            self.key = key
            self.suggestion = suggestion
        }
    }

    /// The PostgreSQL URL variable read besides `STORAGE_URL`; `STORAGE_URL` wins over it, and it over the file.
    public static let databaseURLVariable = "LIFELINE_DATABASE_URL"

    /// - Parameters:
    ///   - path: the YAML file; nil reads only defaults and the environment.
    ///   - environment: variables to read; the process environment when nil.
    public static func load(path: String?, environment: [String: String]? = nil) async throws -> LifelineConfiguration {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let recorder = SourceRecorder()
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(Set(Self.secretEnvironmentNames))),
        ]
        if let url = nonEmpty(environment[databaseURLVariable]) {
            providers.append(InMemoryProvider(name: SourceRecorder.databaseURLProvider, values: ["storage.url": .init(.string(url), isSecret: true)]))
        }
        var fileText: String?
        var findings = ConfigurationSchema.Findings()
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw LoadError.missingFile(path) }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            do {
                findings = try ConfigurationSchema.check(yaml: text)
            } catch {
                throw LoadError.unreadable(path: path, problem: "not valid YAML: \(error)")
            }
            guard findings.unknown.isEmpty else { throw LoadError.unknownKeys(path: path, keys: findings.unknown) }
            fileText = text
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path)))
        }
        providers.append(InMemoryProvider(name: "defaults", values: defaults))
        let reader = ConfigReader(providers: providers, accessReporter: recorder)
        let context = Context(reader: reader, recorder: recorder, environment: environment)
        var configuration = try resolve(context, configDirectory: path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path })
        configuration.log = try logSettings(context)
        configuration.partners = try partners(context, fileText: fileText)
        configuration.reports = try ReportSettingsLoader.resolve(reader)
        if let path {
            do {
                configuration.recovery = try RecoveryConfigLoader.load(path: path)
            } catch {
                if case .invalid(let key, let problem) = error { throw LoadError.invalid(key: key, problem: problem) }
                throw LoadError.invalid(key: "recovery", problem: error.description)
            }
        }
        try validate(configuration, context)
        configuration.loadWarnings = environmentWarnings(environment, partners: Set(configuration.partners.keys))
            + stripeSecretWarnings(configuration, context)
        var sources = recorder.all
        for key in LifelineConfiguration.fileOnlyKeys {
            sources[key] = findings.present.contains(key) ? .file : .default
        }
        configuration.sources = sources
        return configuration
    }

    /// What the resolving steps share: the reader, who answered each key, and the variables.
    struct Context {
        let reader: ConfigReader
        let recorder: SourceRecorder
        let environment: [String: String]

        /// Where `key` came from: as recorded, else the variable named after it if set, else the file.
        func source(_ key: String) -> ConfigurationSource {
            if let recorded = recorder.all[key] { return recorded }
            let variable = ConfigurationLoader.environmentName(key)
            return environment[variable] != nil ? .environment(variable) : .file
        }

        /// A whole number, with an error that names the key and where the bad value came from.
        func int(_ key: String) throws -> Int {
            do {
                return try reader.requiredInt(forKey: ConfigKey(key))
            } catch {
                throw LoadError.invalid(key: key, problem: "must be a whole number (\(source(key).phrase))")
            }
        }
    }

    /// `http.port` → `HTTP_PORT`.
    public static func environmentName(_ key: String) -> String {
        key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// Partner names are keys under `partners:` in the file, plus `PARTNERS_NAMES` (comma-separated)
    /// for partners defined only in the environment; each one's url and secret then resolve as usual.
    static func partners(_ context: Context, fileText: String?) throws -> [String: LifelineConfiguration.Partner] {
        let config = context.reader
        var names = Set(config.stringArray(forKey: "partners.names") ?? [])
        if let fileText, let root = try Yams.load(yaml: fileText) as? [String: Any],
           let section = root["partners"] as? [String: Any] {
            names.formUnion(section.keys.filter { $0 != "names" })
        }
        var partners: [String: LifelineConfiguration.Partner] = [:]
        for name in names.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }) {
            let urlKey = "partners.\(name).url", secretKey = "partners.\(name).secret"
            guard let url = nonEmpty(config.string(forKey: ConfigKey(urlKey))) else {
                throw LoadError.invalid(key: urlKey, problem: "missing (set \(environmentName(urlKey)))")
            }
            if let problem = httpURLProblem(url) {
                throw LoadError.invalid(key: urlKey, problem: "\(problem) (\(context.source(urlKey).phrase))")
            }
            guard let secret = nonEmpty(config.string(forKey: ConfigKey(secretKey), isSecret: true)) else {
                throw LoadError.invalid(key: secretKey, problem: "missing (set \(environmentName(secretKey)))")
            }
            if !isStandardWebhooksSecret(secret) {
                throw LoadError.invalid(
                    key: secretKey,
                    problem: "is not a Standard Webhooks secret (\(context.source(secretKey).phrase)): expected whsec_ followed by base64")
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
        "log.level": .init(.string("info"), isSecret: false),
        "log.format": .init(.string("text"), isSecret: false),
        "storage.path": .init(.string("lifeline.sqlite"), isSecret: false),
        "storage.raw_retention_days": .init(.int(90), isSecret: false),
        "providers.stripe.tolerance_seconds": .init(.int(300), isSecret: false),
        "providers.standard.tolerance_seconds": .init(.int(300), isSecret: false),
        "stripe.api_base": .init(.string("https://api.stripe.com"), isSecret: false),
        "classification.reason_codes": .init(.string("reason-codes.yaml"), isSecret: false),
    ]

    static func resolve(_ context: Context, configDirectory: String?) throws -> LifelineConfiguration {
        let config = context.reader
        var http = LifelineConfiguration.HTTP(
            host: try config.requiredString(forKey: "http.host"),
            port: try context.int("http.port"),
            maxBodyBytes: try context.int("http.max_body_bytes")
        )
        http.idleTimeoutSeconds = try context.int("http.idle_timeout_seconds")
        http.headerReadTimeoutSeconds = try context.int("http.header_read_timeout_seconds")
        http.bodyReadTimeoutSeconds = try context.int("http.body_read_timeout_seconds")
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
            url: nonEmpty(config.string(forKey: "storage.url", isSecret: true)),
            rawRetentionDays: try context.int("storage.raw_retention_days")
        )
        guard storage.rawRetentionDays >= 0 else {
            throw LoadError.invalid(key: "storage.raw_retention_days", problem: "must be 0 (keep every raw body) or a number of days, got \(storage.rawRetentionDays)")
        }
        let providers = LifelineConfiguration.Providers(
            stripeSecrets: secrets(config, "providers.stripe.secrets"),
            stripeToleranceSeconds: try context.int("providers.stripe.tolerance_seconds"),
            gocardlessSecrets: secrets(config, "providers.gocardless.secrets"),
            standardSecrets: secrets(config, "providers.standard.secrets"),
            standardToleranceSeconds: try context.int("providers.standard.tolerance_seconds")
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

    /// `log.level` and `log.format`, names in any case; a name that is neither is refused with
    /// the key, where it came from and the names that work.
    static func logSettings(_ context: Context) throws -> LifelineConfiguration.Log {
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> Result<T, LoadError> where T.RawValue == String {
            let text = (context.reader.string(forKey: ConfigKey(key)) ?? "").trimmingCharacters(in: .whitespaces)
            if let value = T(rawValue: text.lowercased()) { return .success(value) }
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(.invalid(key: key, problem: "must be one of \(names), got '\(text)' (\(context.source(key).phrase))"))
        }
        let level = choice("log.level", LifelineConfiguration.Log.Level.self)
        let format = choice("log.format", LifelineConfiguration.Log.Format.self)
        switch (level, format) {
        case (.success(let level), .success(let format)): return .init(level: level, format: format)
        case (.failure(let problem), .success), (.success, .failure(let problem)): throw problem
        case (.failure(let first), .failure(let second)): throw LoadError.several([first, second])
        }
    }

    /// Values that parse but cannot work: malformed secrets and URLs, all reported at once.
    static func validate(_ configuration: LifelineConfiguration, _ context: Context) throws {
        var problems: [LoadError] = []
        if configuration.http.host.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(.invalid(key: "http.host", problem: "must not be empty (\(context.source("http.host").phrase))"))
        }
        for (index, secret) in configuration.providers.standardSecrets.enumerated() where !isStandardWebhooksSecret(secret) {
            let count = configuration.providers.standardSecrets.count
            problems.append(.invalid(
                key: "providers.standard.secrets",
                problem: "secret \(index + 1) of \(count) (\(context.source("providers.standard.secrets").phrase)) is not a Standard Webhooks secret: expected whsec_ followed by base64"))
        }
        var urls: [(String, String)] = [("stripe.api_base", configuration.outbound.stripeAPIBase)]
        if let dunning = configuration.outbound.dunningURL { urls.append(("dunning.url", dunning)) }
        for (key, url) in urls {
            if let problem = httpURLProblem(url) {
                problems.append(.invalid(key: key, problem: "\(problem) (\(context.source(key).phrase))"))
            }
        }
        if let url = configuration.storage.url, let problem = postgresURLProblem(url) {
            problems.append(.invalid(key: "storage.url", problem: "\(problem) (\(context.source("storage.url").phrase))"))
        }
        if problems.count == 1 { throw problems[0] }
        if !problems.isEmpty { throw LoadError.several(problems) }
    }

    /// `whsec_` followed by base64 of a non-empty key, as Standard Webhooks senders issue them.
    public static func isStandardWebhooksSecret(_ secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
        return !key.isEmpty
    }

    /// Why `text` is not an absolute http(s) URL with a host, or nil; the value is quoted unless it holds credentials.
    static func httpURLProblem(_ text: String) -> String? {
        let shown = text.contains("@") ? "" : ", got '\(text)'"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https" else {
            return "must be an http:// or https:// URL\(shown)"
        }
        guard let host = components.host, !host.isEmpty else { return "has no host\(shown)" }
        return nil
    }

    /// Why `text` is not a PostgreSQL URL, or nil; never quotes it (it may hold a password).
    static func postgresURLProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "is not a URL (expected postgres://user:password@host:5432/database)"
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            return "must start with postgres:// or postgresql://, got \(scheme)://"
        }
        return nil
    }

    /// Stripe signing secrets all start with `whsec_`; anything else is probably an API key pasted in the wrong place.
    static func stripeSecretWarnings(_ configuration: LifelineConfiguration, _ context: Context) -> [String] {
        let secrets = configuration.providers.stripeSecrets
        return secrets.enumerated().filter { !$0.element.hasPrefix("whsec_") }.map { index, _ in
            "providers.stripe.secrets: secret \(index + 1) of \(secrets.count) (\(context.source("providers.stripe.secrets").phrase)) does not start with whsec_ as Stripe signing secrets do"
        }
    }

    /// Sections read from the file only (by the recovery loader), never from the environment.
    static let fileOnlySections = ["stress", "playbooks", "outbox"]

    /// Every variable named after a key the loader reads (partners aside).
    static var knownVariables: Set<String> {
        var names: Set<String> = [databaseURLVariable, "PARTNERS_NAMES"]
        func collect(_ schema: ConfigurationSchema, _ path: String) {
            guard case .keys(let keys) = schema else { return }
            for (key, child) in keys where !(path.isEmpty && fileOnlySections.contains(key)) {
                let dotted = path.isEmpty ? key : "\(path).\(key)"
                if case .value = child { names.insert(environmentName(dotted)) } else { collect(child, dotted) }
            }
        }
        collect(ConfigurationSchema.file, "")
        return names
    }

    /// Variables that look meant for Lifeline but that it never reads: a near miss of a key
    /// (`ADMIN_TOKEN` → `ADMIN_TOKENS`), a file-only section, a partner nobody declared.
    static func environmentWarnings(_ environment: [String: String], partners: Set<String>) -> [String] {
        let known = knownVariables
        let readFromEnvironment = ["HTTP", "LOG", "STORAGE", "PROVIDERS", "ADMIN", "PARTNERS", "SEGMENTS", "REPORTS", "CLASSIFICATION", "DUNNING", "STRIPE"]
        let fileOnly = fileOnlySections.map { $0.uppercased() }
        let declared = Set(partners.map { $0.uppercased() })
        var warnings: [String] = []
        for name in environment.keys.sorted() where !known.contains(name) && name == name.uppercased() {
            guard let section = name.split(separator: "_").first.map(String.init) else { continue }
            if fileOnly.contains(section) {
                warnings.append("environment variable \(name) is not read: \(section.lowercased()) settings come from the file only")
            } else if section == "PARTNERS" {
                let parts = name.split(separator: "_")
                if parts.count >= 3, ["URL", "SECRET"].contains(parts.last!) {
                    let partner = parts.dropFirst().dropLast().joined(separator: "_")
                    if !declared.contains(partner) {
                        warnings.append("environment variable \(name) is not read: no partner \(partner.lowercased()) is declared (add it to PARTNERS_NAMES or under partners: in the file)")
                    }
                } else {
                    warnings.append("environment variable \(name) is not read: partners take PARTNERS_NAMES, PARTNERS_<NAME>_URL and PARTNERS_<NAME>_SECRET")
                }
            } else if readFromEnvironment.contains(section) {
                let candidates = known.filter { $0.hasPrefix(section + "_") }
                if let suggestion = Suggestion.closest(to: name, among: Array(candidates).sorted()),
                   Suggestion.editDistance(name, suggestion) <= 2 {
                    warnings.append("environment variable \(name) is not read; did you mean \(suggestion)?")
                }
            }
        }
        return warnings
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
