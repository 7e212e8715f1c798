import ArgumentParser
import Foundation
import LifelineCLI
import LifelineCore

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign webhook files and post them as their provider would: files in the order given, each directory's *.json in name order.",
        discussion: "Exit status: 0 when every webhook got 2xx (or with --dry-run), 1 when one was refused or the server could not be reached."
    )

    @Argument(help: "Webhook bodies: JSON files, or directories such as Webhooks/stripe.")
    var paths: [String]

    @Option(help: "Lifeline's base URL.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "stripe, gocardless or standard.")
    var provider: String

    @Option(help: "The webhook secret to sign with (whsec_… for standard); not needed with --dry-run.")
    var secret: String?

    @Option(help: "live (acted on like a provider's webhook), replay, or import (history: builds the ledger and past cases, never an action). replay and import need --admin-token.")
    var origin: String = "live"

    @Option(help: "An admin token of the server (one of ADMIN_TOKENS), needed for --origin replay or import; default: $ADMIN_TOKEN.")
    var adminToken: String?

    @Flag(help: "List what would be posted, and where, without sending anything.")
    var dryRun = false

    @Flag(help: "Print only refused webhooks and errors: no per-file lines, no progress, no summary.")
    var quiet = false

    func validate() throws {
        guard ProviderName(rawValue: provider) != nil else {
            throw ValidationError("unknown provider '\(provider)': use stripe, gocardless or standard")
        }
        guard !paths.isEmpty else { throw ValidationError("give at least one file or directory") }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or directory: \(path)")
        }
        guard let origin = EventOrigin(rawValue: origin) else {
            throw ValidationError("unknown origin '\(self.origin)': use live, replay or import")
        }
        guard dryRun || origin == .live || token != nil else {
            throw ValidationError("--origin \(origin.rawValue) needs --admin-token (or ADMIN_TOKEN): only an operator may mark events as history")
        }
        guard dryRun || secret != nil else { throw ValidationError("--secret is required (or use --dry-run)") }
        guard URL(string: url)?.host != nil else { throw ValidationError("--url must be like http://127.0.0.1:8080, got \"\(url)\"") }
    }

    /// The admin token to send with a non-live origin.
    var token: String? {
        adminToken ?? ProcessInfo.processInfo.environment["ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() async throws {
        let provider = ProviderName(rawValue: self.provider)!
        let origin = EventOrigin(rawValue: self.origin)!
        let files = try WebhookReplayer.files(at: paths)
        let target = "\(url)/webhooks/\(provider.rawValue)"
        if dryRun {
            for file in files {
                let body = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                let id = WebhookReplayer.eventIDs(in: body).joined(separator: ",")
                if !quiet { print("would post \(file)  (\(body.count) bytes, event \(id.isEmpty ? "?" : id))") }
            }
            if !quiet { print("dry run: \(files.count) file\(files.count == 1 ? "" : "s") would be signed as \(provider.rawValue) and posted to \(target); nothing was sent") }
            return
        }
        var extraHeaders: [(String, String)] = []
        if origin != .live, let token {
            extraHeaders = [("Lifeline-Origin", origin.rawValue), ("Authorization", "Bearer \(token)")]
        }
        let replayer = WebhookReplayer(baseURL: url)
        var progress = TerminalProgress(total: files.count, enabled: !quiet)
        var summary = ReplaySummary()
        for (index, file) in files.enumerated() {
            let name = URL(fileURLWithPath: file).lastPathComponent
            progress.update(index, name)
            let body = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let outcome: WebhookReplayer.Outcome
            do {
                outcome = try await replayer.post(body: body, provider: provider, secret: secret ?? "", name: name, extraHeaders: extraHeaders)
            } catch {
                progress.clear()
                throw CommandFailure("cannot post \(name) to \(target): \(error)")
            }
            summary.add(outcome)
            let accepted = (200..<300).contains(outcome.status)
            if !quiet || !accepted {
                progress.clear()
                let line = "\(outcome.status)  \(file)  \(outcome.response)"
                if accepted { print(line) } else { TerminalProgress.write(line + "\n") }
            }
        }
        progress.clear()
        if !quiet { print(summary.text(target: target)) }
        if summary.refused > 0 { throw ExitCode(1) }
    }
}

/// Counts of a replay, from the statuses and the `stored` / `duplicates` / `ignored` lists of the answers.
struct ReplaySummary {
    var files = 0
    var acknowledged = 0
    var refused = 0
    var stored = 0
    var duplicates = 0
    var ignored = 0
    var refusedByStatus: [Int: Int] = [:]

    mutating func add(_ outcome: WebhookReplayer.Outcome) {
        files += 1
        guard (200..<300).contains(outcome.status) else {
            refused += 1
            refusedByStatus[outcome.status, default: 0] += 1
            return
        }
        acknowledged += 1
        guard let object = try? JSONSerialization.jsonObject(with: Data(outcome.response.utf8)) as? [String: Any] else { return }
        stored += (object["stored"] as? [Any])?.count ?? 0
        duplicates += (object["duplicates"] as? [Any])?.count ?? 0
        ignored += (object["ignored"] as? [Any])?.count ?? 0
    }

    /// One line: `replayed 23 files to URL: 22 acknowledged (events: 20 stored, 1 duplicate, 1 ignored), 1 refused (401 ×1)`.
    func text(target: String) -> String {
        var line = "replayed \(files) file\(files == 1 ? "" : "s") to \(target): \(acknowledged) acknowledged"
        line += " (events: \(stored) stored, \(duplicates) duplicate\(duplicates == 1 ? "" : "s"), \(ignored) ignored)"
        line += ", \(refused) refused"
        if !refusedByStatus.isEmpty {
            line += " (" + refusedByStatus.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ") + ")"
        }
        return line
    }
}
