import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineCore

struct Trigger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign one sample event of TYPE and post it as its provider would (like `stripe trigger`).",
        discussion: """
        The body is the first sample of that type under Webhooks/<provider>/, with fresh event ids so it is \
        stored rather than acknowledged as a duplicate. It is signed with --secret, else the provider's first \
        configured secret (providers.<provider>.secrets or its environment variable). `--list` shows the types.
        Exit status: 0 when the server answered 2xx, 1 when it refused the webhook or could not be reached.
        """
    )

    @Argument(help: "Event type: invoice.payment_failed (Stripe), payments/failed (GoCardless), payment.failed (standard), …")
    var type: String?

    @Option(help: "Lifeline's base URL.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "stripe, gocardless or standard; needed only when several providers have a sample of TYPE.")
    var provider: String?

    @Option(help: "The secret to sign with; default: the provider's first configured secret.")
    var secret: String?

    @Option(help: "Directory holding one sub-directory of samples per provider.")
    var webhooks: String = "Webhooks"

    @Flag(help: "List the event types there are samples of, by provider, and exit.")
    var list = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if let provider, ProviderName(rawValue: provider) == nil {
            throw ValidationError("unknown provider '\(provider)': use stripe, gocardless or standard")
        }
        guard URL(string: url)?.host != nil else { throw ValidationError("--url must be like http://127.0.0.1:8080, got \"\(url)\"") }
        if list { return }
        guard type != nil else { throw ValidationError("give an event TYPE, or --list to see them") }
        _ = try sample()
    }

    func run() async throws {
        if list {
            let catalogue = try SampleCatalogue.load(webhooks)
            for provider in ProviderName.allCases {
                let types = Set(catalogue.filter { $0.provider == provider }.flatMap(\.types)).sorted()
                guard !types.isEmpty else { continue }
                print("\(provider.rawValue): \(types.joined(separator: " "))")
            }
            return
        }
        let sample = try sample()
        let signingSecret = try await resolveSecret(for: sample.provider)
        let (body, ids) = try sample.freshBody(suffix: String(UInt32.random(in: .min ... .max), radix: 16))
        let replayer = WebhookReplayer(baseURL: url)
        let target = "\(url)/webhooks/\(sample.provider.rawValue)"
        let outcome: WebhookReplayer.Outcome
        do {
            outcome = try await replayer.post(body: body, provider: sample.provider, secret: signingSecret, name: sample.file.lastPathComponent)
        } catch {
            throw CommandFailure("cannot post to \(target): \(error)")
        }
        print("\(outcome.status)  \(type ?? "")  \(ids.joined(separator: ","))  → \(target)  (sample \(sample.file.path))")
        print(outcome.response)
        if !(200..<300).contains(outcome.status) { throw ExitCode(1) }
    }

    /// The sample to send: the first file of TYPE, with the fewest events, of the one provider that has it.
    func sample() throws -> SampleCatalogue.Sample {
        let catalogue: [SampleCatalogue.Sample]
        do {
            catalogue = try SampleCatalogue.load(webhooks)
        } catch {
            throw ValidationError("\(error)")
        }
        let wanted = provider.flatMap(ProviderName.init(rawValue:))
        let type = type ?? ""
        let matches = catalogue.filter { $0.types.contains(type) && (wanted == nil || $0.provider == wanted) }
        let providers = Set(matches.map(\.provider))
        guard let first = matches.min(by: { ($0.eventCount, $0.file.lastPathComponent) < ($1.eventCount, $1.file.lastPathComponent) }) else {
            let scope = catalogue.filter { wanted == nil || $0.provider == wanted }
            let known = Set(scope.flatMap(\.types)).sorted().joined(separator: ", ")
            throw ValidationError("no sample of type '\(type)'\(wanted.map { " for \($0.rawValue)" } ?? "") under \(webhooks); known types: \(known)")
        }
        guard providers.count == 1 else {
            let names = providers.map(\.rawValue).sorted().joined(separator: " and ")
            throw ValidationError("'\(type)' has samples for \(names): pass --provider")
        }
        return first
    }

    /// `--secret`, else the first secret the configuration holds for the provider.
    func resolveSecret(for provider: ProviderName) async throws -> String {
        if let secret { return secret }
        let variable = "PROVIDERS_\(provider.rawValue.uppercased())_SECRETS"
        let configuration: LifelineConfiguration
        do {
            configuration = try await ConfigurationLoader.load(path: options.config)
        } catch {
            throw CommandFailure("no --secret, and the configuration to take it from was refused:\n\(error)")
        }
        let secrets = switch provider {
        case .stripe: configuration.providers.stripeSecrets
        case .gocardless: configuration.providers.gocardlessSecrets
        case .standard: configuration.providers.standardSecrets
        }
        guard let first = secrets.first else {
            throw CommandFailure("no secret to sign with: pass --secret or set \(variable) (providers.\(provider.rawValue).secrets)")
        }
        return first
    }
}

/// The sample webhooks under `Webhooks/<provider>/`, by event type.
enum SampleCatalogue {
    struct Sample {
        var provider: ProviderName
        var file: URL
        /// `type` of a Stripe or generic event; `resource_type/action` of each GoCardless event.
        var types: [String]
        var ids: [String]
        var eventCount: Int { max(ids.count, 1) }

        /// The body with every event id given `_suffix`, so the server stores it as new; and the new ids.
        func freshBody(suffix: String) throws -> (body: [UInt8], ids: [String]) {
            var text = try String(contentsOf: file, encoding: .utf8)
            var fresh: [String] = []
            for id in ids {
                let renamed = "\(id)_\(suffix)"
                text = text.replacingOccurrences(of: "\"\(id)\"", with: "\"\(renamed)\"")
                fresh.append(renamed)
            }
            return (Array(text.utf8), fresh)
        }
    }

    struct Missing: Error, CustomStringConvertible {
        var directory: String
        var description: String {
            "no samples under \(directory)/stripe, \(directory)/gocardless or \(directory)/standard: run from the repository root or pass --webhooks"
        }
    }

    static func load(_ directory: String) throws -> [Sample] {
        var samples: [Sample] = []
        for provider in ProviderName.allCases {
            let folder = "\(directory)/\(provider.rawValue)"
            guard FileManager.default.fileExists(atPath: folder) else { continue }
            for file in try WebhookReplayer.files(in: folder) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] else { continue }
                if let events = object["events"] as? [[String: Any]] {
                    let types = events.compactMap { event -> String? in
                        guard let resource = event["resource_type"] as? String, let action = event["action"] as? String else { return nil }
                        return "\(resource)/\(action)"
                    }
                    samples.append(Sample(provider: provider, file: file, types: types, ids: events.compactMap { $0["id"] as? String }))
                } else if let type = object["type"] as? String {
                    samples.append(Sample(provider: provider, file: file, types: [type], ids: (object["id"] as? String).map { [$0] } ?? []))
                }
            }
        }
        guard !samples.isEmpty else { throw Missing(directory: directory) }
        return samples
    }
}
