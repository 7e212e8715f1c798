import Foundation
import LifelineConfig
import Testing

/// The loader refuses what it would otherwise ignore or misread, says which key and where the
/// value came from, and suggests the key that was meant.
@Suite("Strict configuration")
struct StrictConfigurationTests {
    typealias LoadError = ConfigurationLoader.LoadError

    /// Loads `path` with `environment`, expecting a refusal; returns it.
    static func refusal(_ path: String, _ environment: [String: String] = [:]) async throws -> LoadError {
        do {
            _ = try await ConfigurationLoader.load(path: path, environment: environment)
        } catch let error as LoadError {
            return error
        }
        Issue.record("\(path) was accepted")
        throw ConfigFiles.Missing(text: "a refusal")
    }

    @Test func aMisspeltStripeSecretsKeyIsRefusedWithTheKeyItMeant() async throws {
        let path = try ConfigFiles.shipped(
            replacing: "    secrets: []\n    tolerance_seconds: 300\n  gocardless:",
            with: "    secret: [whsec_abc]\n    tolerance_seconds: 300\n  gocardless:")
        let error = try await Self.refusal(path)
        guard case .unknownKeys(_, let keys) = error else { Issue.record("\(error)"); return }
        #expect(keys == [.init(key: "providers.stripe.secret", suggestion: "secrets")])
        #expect(error.description.contains("unknown key `providers.stripe.secret`; did you mean `secrets`?"), "\(error)")
    }

    /// One misspelling per section of the file, with what should be suggested.
    static let typos: [(yaml: String, key: String, suggestion: String?)] = [
        ("htp:\n  port: 1\n", "htp", "http"),
        ("http:\n  prot: 8080\n", "http.prot", "port"),
        ("http:\n  max_body: 10\n", "http.max_body", "max_body_bytes"),
        ("storage:\n  paht: x.sqlite\n", "storage.paht", "path"),
        ("providers:\n  strip:\n    secrets: []\n", "providers.strip", "stripe"),
        ("providers:\n  gocardless:\n    secret: x\n", "providers.gocardless.secret", "secrets"),
        ("providers:\n  standard:\n    tolerance: 30\n", "providers.standard.tolerance", "tolerance_seconds"),
        ("admin:\n  token: abc\n", "admin.token", "tokens"),
        ("partners:\n  acme:\n    url: https://acme.example\n    secrte: whsec_eA==\n", "partners.acme.secrte", "secret"),
        ("segments:\n  band: [enterprise]\n", "segments.band", "bands"),
        ("reports:\n  rate: []\n", "reports.rate", "rates"),
        ("classification:\n  reason_code: x.yaml\n", "classification.reason_code", "reason_codes"),
        ("dunning:\n  ulr: https://d.example\n", "dunning.ulr", "url"),
        ("stripe:\n  api_keys: sk\n", "stripe.api_keys", "api_key"),
        ("stress:\n  cash_flow_treshold: 40\n", "stress.cash_flow_treshold", "cash_flow_threshold"),
        ("stress:\n  weights:\n    insufficent_funds: 10\n", "stress.weights.insufficent_funds", "insufficient_funds"),
        ("outbox:\n  max_attempt: 3\n", "outbox.max_attempt", "max_attempts"),
        ("playbooks:\n  r:\n    mach: {}\n    steps: {}\n", "playbooks.r.mach", "match"),
        ("playbooks:\n  r:\n    match: { min_scor: 3 }\n    steps: {}\n", "playbooks.r.match.min_scor", "min_score"),
        ("nonsense_section:\n  a: 1\n", "nonsense_section", nil),
    ]

    @Test(arguments: typos.indices)
    func everySectionRefusesUnknownKeys(_ index: Int) async throws {
        let typo = Self.typos[index]
        let error = try await Self.refusal(try ConfigFiles.write(typo.yaml))
        guard case .unknownKeys(_, let keys) = error else { Issue.record("\(typo.key): \(error)"); return }
        #expect(keys == [.init(key: typo.key, suggestion: typo.suggestion)])
    }

    @Test func everyUnknownKeyIsListedAtOnce() async throws {
        let error = try await Self.refusal(try ConfigFiles.write("http:\n  prot: 1\n  hots: x\nadmin:\n  token: t\n"))
        guard case .unknownKeys(_, let keys) = error else { Issue.record("\(error)"); return }
        #expect(keys.map(\.key) == ["http.prot", "http.hots", "admin.token"])
        #expect(keys.map(\.suggestion) == ["port", "host", "tokens"])
    }

    @Test func stepParametersAndPartnerNamesAreFree() async throws {
        let yaml = """
        classification: { reason_codes: \(ConfigFiles.reasonCodesPath) }
        partners:
          my-partner: { url: "https://partner.example", secret: "whsec_\(Data("partner-key".utf8).base64EncodedString())" }
        playbooks:
          only:
            steps:
              offer: { action: financing_offer, partner: my-partner, terms: instalments_3, any_parameter: x }

        """
        let configuration = try await ConfigurationLoader.load(path: try ConfigFiles.write(yaml), environment: [:])
        #expect(configuration.partners["my-partner"]?.url == "https://partner.example")
        #expect(configuration.recovery.playbook.rules.first?.steps.first?.parameters["any_parameter"] == "x")
    }

    static let shippedPath = ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path

    @Test(arguments: ["not-a-secret", "whsec_", "whsec_%%%not-base64%%%", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    func aStandardSecretMustBeWhsecAndBase64(_ secret: String) async throws {
        let good = "whsec_" + Data("a-good-standard-key".utf8).base64EncodedString()
        let error = try await Self.refusal(Self.shippedPath, ["PROVIDERS_STANDARD_SECRETS": "\(good),\(secret)"])
        let text = error.description
        #expect(text.contains("providers.standard.secrets"), "\(text)")
        #expect(text.contains("secret 2 of 2"), "\(text)")
        #expect(text.contains("from environment PROVIDERS_STANDARD_SECRETS"), "\(text)")
        #expect(text.contains("whsec_ followed by base64"), "\(text)")
        if secret.count > 6 { #expect(!text.contains(secret), "the refused secret is not printed") }
        let accepted = try await ConfigurationLoader.load(path: Self.shippedPath, environment: ["PROVIDERS_STANDARD_SECRETS": good])
        #expect(accepted.providers.standardSecrets == [good])
    }

    @Test func aPartnerSecretMustBeWhsecAndBase64() async throws {
        let error = try await Self.refusal(Self.shippedPath, [
            "PARTNERS_NAMES": "acme", "PARTNERS_ACME_URL": "https://acme.example", "PARTNERS_ACME_SECRET": "plain-text",
        ])
        #expect(error.description.contains("partners.acme.secret"), "\(error)")
        #expect(error.description.contains("from environment PARTNERS_ACME_SECRET"), "\(error)")
        #expect(!error.description.contains("plain-text"))
    }

    @Test(arguments: [
        ("DUNNING_URL", "not a url", "dunning.url"), ("DUNNING_URL", "ftp://dunning.example", "dunning.url"),
        ("STRIPE_API_BASE", "https://", "stripe.api_base"), ("PARTNERS_SANDBOX_URL", "htp://partner.example", "partners.sandbox.url"),
        ("STORAGE_URL", "mysql://user:hunter2@db/x", "storage.url"), ("LIFELINE_DATABASE_URL", "::", "storage.url"),
    ])
    func urlsMustParse(_ variable: String, _ value: String, _ key: String) async throws {
        var environment = ["PARTNERS_NAMES": "sandbox", "PARTNERS_SANDBOX_URL": "https://partner.example",
                           "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret]
        environment[variable] = value
        let error = try await Self.refusal(Self.shippedPath, environment)
        #expect(error.description.contains(key), "\(error)")
        #expect(error.description.contains("from environment \(variable)"), "\(error)")
        #expect(!error.description.contains("hunter2"), "a database password is never printed")
    }

    @Test func aNonNumericPortNamesItsVariable() async throws {
        let error = try await Self.refusal(Self.shippedPath, ["HTTP_PORT": "eighty"])
        #expect(error.description == "configuration key http.port: must be a whole number (from environment HTTP_PORT)")
    }

    @Test func everyValueSaysWhereItCameFrom() async throws {
        let path = try ConfigFiles.write("""
        http:
          host: 0.0.0.0
        classification:
          reason_codes: \(ConfigFiles.reasonCodesPath)
        outbox:
          max_attempts: 3

        """)
        let configuration = try await ConfigurationLoader.load(path: path, environment: [
            "HTTP_PORT": "9090", "LIFELINE_DATABASE_URL": "postgres://lifeline:hunter2@db.internal:5432/lifeline",
        ])
        #expect(configuration.sources["http.host"] == .file)
        #expect(configuration.sources["http.port"] == .environment("HTTP_PORT"))
        #expect(configuration.sources["http.max_body_bytes"] == .default)
        #expect(configuration.sources["outbox.max_attempts"] == .file)
        #expect(configuration.sources["outbox.batch_size"] == .default)
        #expect(configuration.storage.url == "postgres://lifeline:hunter2@db.internal:5432/lifeline")
        #expect(configuration.sources["storage.url"] == .environment("LIFELINE_DATABASE_URL"))
        let text = configuration.redactedDescription
        #expect(text.contains("http.host: 0.0.0.0  [file]"), "\(text)")
        #expect(text.contains("http.port: 9090  [environment HTTP_PORT]"), "\(text)")
        #expect(text.contains("http.max_body_bytes: 262144  [default]"), "\(text)")
        #expect(text.contains("storage.url: [redacted]  [environment LIFELINE_DATABASE_URL]"), "\(text)")
        #expect(!text.contains("hunter2"))
    }

    @Test func storageURLBeatsLifelineDatabaseURLWhichBeatsTheFile() async throws {
        let path = try ConfigFiles.shipped(
            replacing: "  # url: postgres://lifeline:…@db.internal:5432/lifeline", with: "  url: postgres://file@db/file")
        let fromFile = try await ConfigurationLoader.load(path: path, environment: [:])
        #expect(fromFile.storage.url == "postgres://file@db/file")
        #expect(fromFile.sources["storage.url"] == .file)
        let fromVariable = try await ConfigurationLoader.load(path: path, environment: ["LIFELINE_DATABASE_URL": "postgres://variable@db/v"])
        #expect(fromVariable.storage.url == "postgres://variable@db/v")
        let both = try await ConfigurationLoader.load(path: path, environment: [
            "LIFELINE_DATABASE_URL": "postgres://variable@db/v", "STORAGE_URL": "postgres://override@db/o",
        ])
        #expect(both.storage.url == "postgres://override@db/o")
        #expect(both.sources["storage.url"] == .environment("STORAGE_URL"))
    }

    @Test func variablesThatAreNeverReadAreWarnedAbout() async throws {
        let configuration = try await ConfigurationLoader.load(path: Self.shippedPath, environment: [
            "ADMIN_TOKEN": "t", "PROVIDERS_STRIPE_SECRET": "whsec_x", "OUTBOX_MAX_ATTEMPTS": "3", "PARTNERS_ACME_URL": "https://a.example",
            "HTTP_PROXY": "http://proxy:3128", "PATH": "/usr/bin",
        ])
        let warnings = configuration.warnings.joined(separator: "\n")
        #expect(warnings.contains("environment variable ADMIN_TOKEN is not read; did you mean ADMIN_TOKENS?"), "\(warnings)")
        #expect(warnings.contains("environment variable PROVIDERS_STRIPE_SECRET is not read; did you mean PROVIDERS_STRIPE_SECRETS?"), "\(warnings)")
        #expect(warnings.contains("OUTBOX_MAX_ATTEMPTS is not read: outbox settings come from the file only"), "\(warnings)")
        #expect(warnings.contains("PARTNERS_ACME_URL is not read: no partner acme is declared"), "\(warnings)")
        #expect(!warnings.contains("HTTP_PROXY"))
        #expect(!warnings.contains("PATH"))
    }

    @Test func aStripeSecretWithoutWhsecIsAWarning() async throws {
        let configuration = try await ConfigurationLoader.load(path: Self.shippedPath, environment: ["PROVIDERS_STRIPE_SECRETS": "sk_live_oops"])
        #expect(configuration.warnings.contains { $0.contains("providers.stripe.secrets: secret 1 of 1") && $0.contains("whsec_") })
        #expect(!configuration.warnings.joined().contains("sk_live_oops"))
    }

    @Test func serveRefusesAnUnknownKeyBeforeListening() throws {
        let path = try ConfigFiles.shipped(replacing: "  max_body_bytes: 262144", with: "  max_body_byte: 262144")
        let directory = try TestDirectories.make("lifeline-serve-typo")
        let result = try LifelineBinary.run(["serve", "--config", path], environment: [
            "HTTP_PORT": "0", "STORAGE_PATH": directory.appendingPathComponent("lifeline.sqlite").path,
        ])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("unknown key `http.max_body_byte`; did you mean `max_body_bytes`?"), "\(result.output)")
        #expect(!result.output.contains("listening on"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("lifeline.sqlite").path))
    }
}
