import ArgumentParser
import Foundation
import LifelineCore

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign every JSON file of a directory and post it, in file-name order."
    )

    @Argument(help: "Directory of webhook bodies (*.json), e.g. Webhooks/stripe.")
    var directory: String

    @Option(help: "Lifeline's base URL.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "stripe, gocardless or standard.")
    var provider: String

    @Option(help: "The webhook secret to sign with (whsec_… for standard).")
    var secret: String

    func run() async throws {
        guard let name = ProviderName(rawValue: provider) else {
            throw ValidationError("unknown provider '\(provider)': use stripe, gocardless or standard")
        }
        let replayer = WebhookReplayer(baseURL: url)
        let outcomes = try await replayer.replay(directory: directory, provider: name, secret: secret)
        for outcome in outcomes {
            print("\(outcome.status)  \(outcome.file)  \(outcome.response)")
        }
        let failed = outcomes.filter { !(200..<300).contains($0.status) }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
