import AsyncHTTPClient
import Foundation
import LifelineConfig
import LifelineTestSupport
import Testing

/// The real `lifeline` executable as a subprocess: its version, exit statuses, usage on errors,
/// read-only commands, `replay --dry-run` and `trigger` against a real `lifeline serve`.
@Suite("Command line")
struct CommandLineTests {
    static let config = "config/lifeline.yaml"

    /// A path in a fresh directory where no database exists.
    static func missingDatabase() throws -> String {
        try TestDirectories.make("lifeline-cli").appendingPathComponent("absent.sqlite").path
    }

    @Test func versionPrintsTheVersionConstant() throws {
        let result = try LifelineBinary.run(["--version"], environment: [:])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == LifelineVersion.current)
    }

    @Test func checkConfigExitsZeroWhenValid() throws {
        let result = try LifelineBinary.run(["check-config", "--config", Self.config], environment: [
            "ADMIN_TOKENS": "a-token", "STORAGE_PATH": try Self.missingDatabase(),
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("http.port: 8080  [file]"), "\(result.output)")
        #expect(result.output.contains("admin.tokens: 1 secret [redacted]  [environment ADMIN_TOKENS]"), "\(result.output)")
        #expect(result.output.contains("http.max_body_bytes: 262144  [file]"), "\(result.output)")
    }

    @Test func checkConfigShowsLifelineDatabaseURLAsServeUsesIt() throws {
        let result = try LifelineBinary.run(["check-config", "--config", Self.config], environment: [
            "LIFELINE_DATABASE_URL": "postgres://lifeline:hunter2@db.internal:5432/lifeline",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("storage.url: [redacted]  [environment LIFELINE_DATABASE_URL]"), "\(result.output)")
        #expect(result.output.contains("storage.path: lifeline.sqlite (unused: storage.url is set)"), "\(result.output)")
        #expect(!result.output.contains("hunter2"))
    }

    @Test func checkConfigExitsOneOnAnError() throws {
        let path = try ConfigFiles.shipped(replacing: "  tokens: []", with: "  token: []")
        let result = try LifelineBinary.run(["check-config", "--config", path], environment: [:])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("unknown key `admin.token`; did you mean `tokens`?"), "\(result.output)")
        let secret = try LifelineBinary.run(["check-config", "--config", Self.config], environment: ["PROVIDERS_STANDARD_SECRETS": "nope"])
        #expect(secret.status == 1, "\(secret.output)")
        #expect(secret.output.contains("PROVIDERS_STANDARD_SECRETS"), "\(secret.output)")
        #expect(!secret.output.contains("1 secret"), "a bad secret is an error, not a count")
    }

    @Test func checkConfigStrictExitsTwoOnWarnings() throws {
        // No admin token: a warning. Without --strict it is only printed.
        let lenient = try LifelineBinary.run(["check-config", "--config", Self.config], environment: [:])
        #expect(lenient.status == 0, "\(lenient.output)")
        #expect(lenient.output.contains("warning: admin.tokens is empty"), "\(lenient.output)")
        let strict = try LifelineBinary.run(["check-config", "--strict", "--config", Self.config], environment: [:])
        #expect(strict.status == 2, "\(strict.output)")
        #expect(strict.output.contains("warning: admin.tokens is empty"), "\(strict.output)")
    }

    @Test(arguments: [
        ["cases"], ["ledger"], ["report", "nrr", "--from", "2026-06-01", "--to", "2026-11-01"],
    ])
    func readOnlyCommandsNeverCreateADatabase(_ command: [String]) throws {
        let path = try Self.missingDatabase()
        let result = try LifelineBinary.run(command + ["--config", Self.config], environment: ["STORAGE_PATH": path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("no database at \(path) (storage.path [environment STORAGE_PATH])"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: path), "\(command[0]) created \(path)")
    }

    @Test(arguments: [
        (["cases", "--status", "bogus"], "Usage: lifeline cases", "--status must be one of"),
        (["cases", "--bogus"], "Usage: lifeline cases", "Unknown option '--bogus'"),
        (["replay", "Webhooks/stripe", "--provider", "paypal", "--secret", "s"], "Usage: lifeline replay", "unknown provider 'paypal'"),
        (["replay", "Webhooks/nowhere", "--provider", "stripe", "--secret", "s"], "Usage: lifeline replay", "no such file or directory"),
        (["replay", "Webhooks/stripe", "--provider", "stripe", "--secret", "s", "--origin", "backfill"], "Usage: lifeline replay", "unknown origin 'backfill'"),
        (["replay", "Webhooks/stripe", "--provider", "stripe", "--secret", "s", "--origin", "import"], "Usage: lifeline replay", "needs --admin-token"),
        (["report", "nrr", "--from", "yesterday", "--to", "2026-11-01"], "Usage: lifeline report nrr", "from"),
        (["simulate", "--customers", "0", "--out", "/tmp"], "Usage: lifeline simulate", "must be positive"),
        (["trigger", "no.such.type"], "Usage: lifeline trigger", "no sample of type 'no.such.type'"),
        (["trigger", "invoice.created"], "Usage: lifeline trigger", "has samples for standard and stripe: pass --provider"),
    ])
    func usageErrorsExit64WithTheSubcommandsOwnUsage(_ arguments: [String], _ usage: String, _ message: String) throws {
        let result = try LifelineBinary.run(arguments, environment: [:])
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains(usage), "\(result.output)")
        #expect(result.output.contains(message), "\(result.output)")
    }

    @Test func replayDryRunSendsNothing() async throws {
        let output = try await PartnerStub.run(replies: []) { stub, url in
            let result = try LifelineBinary.run(
                ["replay", "Webhooks/stripe", "Webhooks/stripe-shapes/basil_invoice.payment_failed.json", "--provider", "stripe", "--url", url, "--dry-run"],
                environment: [:])
            #expect(result.status == 0, "\(result.output)")
            #expect(stub.requests.isEmpty, "a dry run posted \(stub.requests.count) requests")
            return result.output
        }
        let stripeFiles = try FileManager.default.contentsOfDirectory(atPath: ServerFixture.repository.appendingPathComponent("Webhooks/stripe").path)
            .filter { $0.hasSuffix(".json") }
        #expect(output.contains("would post Webhooks/stripe/11_invoice.payment_failed.json"), "\(output)")
        #expect(output.contains("event evt_1S11InvoicePaymentFailedTPE001"), "\(output)")
        #expect(output.contains("would post Webhooks/stripe-shapes/basil_invoice.payment_failed.json"), "\(output)")
        #expect(output.contains("dry run: \(stripeFiles.count + 1) files would be signed as stripe"), "\(output)")
        #expect(output.contains("nothing was sent"))
    }

    /// `lifeline serve` on a fresh SQLite file, with every provider's secret.
    static func withServer<T: Sendable>(_ body: @Sendable (_ baseURL: String, _ environment: [String: String]) async throws -> T) async throws -> T {
        let directory = try TestDirectories.make("lifeline-cli-serve")
        let environment = [
            "STORAGE_PATH": directory.appendingPathComponent("lifeline.sqlite").path,
            "PROVIDERS_STRIPE_SECRETS": TestSecrets.stripe, "PROVIDERS_GOCARDLESS_SECRETS": TestSecrets.gocardless,
            "PROVIDERS_STANDARD_SECRETS": TestSecrets.standard, "ADMIN_TOKENS": "cli-admin-token",
            "PARTNERS_NAMES": "sandbox", "PARTNERS_SANDBOX_URL": "http://127.0.0.1:9/partner",
            "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret,
        ]
        let server = ServeProcess(
            configPath: ServerFixture.repository.appendingPathComponent(config).path, environment: environment, directory: directory)
        defer { server.kill() }
        try await server.start(client: HTTPClient.shared)
        return try await body(server.baseURL, environment)
    }

    @Test(.timeLimit(.minutes(2)))
    func triggerSignsAndPostsOneSampleOfEachProvider() async throws {
        try await Self.withServer { baseURL, environment in
            for (type, provider) in [("invoice.payment_failed", "stripe"), ("payments/failed", "gocardless"), ("payment.failed", "standard")] {
                // The secret comes from the configuration (the environment), as for `serve`.
                let result = try LifelineBinary.run(["trigger", type, "--url", baseURL], environment: environment)
                #expect(result.status == 0, "\(type): \(result.output)")
                #expect(result.output.contains("200  \(type)"), "\(result.output)")
                #expect(result.output.contains("/webhooks/\(provider)"), "\(result.output)")
                #expect(result.output.contains("\"stored\":[\""), "a fresh event, not a duplicate: \(result.output)")
            }
            // Twice the same type: a new event each time.
            let again = try LifelineBinary.run(["trigger", "invoice.payment_failed", "--url", baseURL], environment: environment)
            #expect(again.output.contains("\"stored\":[\""), "\(again.output)")
            // A wrong secret is refused by the server, and the command says so with its status.
            let forged = try LifelineBinary.run(
                ["trigger", "invoice.payment_failed", "--url", baseURL, "--secret", "whsec_wrong"], environment: environment)
            #expect(forged.status == 1, "\(forged.output)")
            #expect(forged.output.contains("401"), "\(forged.output)")
            #expect(forged.output.contains("invalid_signature"), "\(forged.output)")
            // The events are in the store: the read-only commands see them.
            let cases = try LifelineBinary.run(["cases", "--config", Self.config], environment: environment)
            #expect(cases.status == 0, "\(cases.output)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func replayPostsFilesAndDirectoriesAndSummarises() async throws {
        try await Self.withServer { baseURL, environment in
            let result = try LifelineBinary.run(
                ["replay", "Webhooks/standard", "--provider", "standard", "--secret", TestSecrets.standard, "--url", baseURL], environment: environment)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("200  Webhooks/standard/03-payment-failed-insufficient-funds.json"), "\(result.output)")
            #expect(result.output.contains("replayed 7 files to \(baseURL)/webhooks/standard: 7 acknowledged (events: "), "\(result.output)")
            #expect(result.output.contains("0 duplicates, 1 ignored), 0 refused"), "\(result.output)")
            // Again, quietly: all duplicates, nothing printed.
            let quiet = try LifelineBinary.run(
                ["replay", "Webhooks/standard/01-subscription-created.json", "--provider", "standard", "--secret", TestSecrets.standard,
                 "--url", baseURL, "--quiet"], environment: environment)
            #expect(quiet.status == 0, "\(quiet.output)")
            #expect(quiet.output.isEmpty, "\(quiet.output)")
            // Refused webhooks make the exit status 1, and are counted.
            let refused = try LifelineBinary.run(
                ["replay", "Webhooks/standard/01-subscription-created.json", "--provider", "standard", "--secret", TestSecrets.wrong,
                 "--url", baseURL], environment: environment)
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("1 refused (401 ×1)"), "\(refused.output)")
            // History, marked by an operator: logged with origin import.
            let imported = try LifelineBinary.run(
                ["replay", "Webhooks/demo/001-boulangerie-subscription.created.json", "--provider", "standard",
                 "--secret", TestSecrets.standard, "--url", baseURL, "--origin", "import", "--admin-token", "cli-admin-token"],
                environment: environment)
            #expect(imported.status == 0, "\(imported.output)")
            #expect(imported.output.contains("\"stored\":[\""), "\(imported.output)")
            // A wrong admin token: the server refuses the origin.
            let forged = try LifelineBinary.run(
                ["replay", "Webhooks/standard/02-invoice-created.json", "--provider", "standard", "--secret", TestSecrets.standard,
                 "--url", baseURL, "--origin", "import", "--admin-token", "not-the-token"], environment: environment)
            #expect(forged.status == 1, "\(forged.output)")
            #expect(forged.output.contains("1 refused (401 ×1)"), "\(forged.output)")
        }
    }

    /// A real `lifeline serve` on a fresh SQLite file, fed `Webhooks/standard` by `lifeline replay`.
    static func serveWithTheStandardSamples(_ prefix: String) async throws -> (ServeProcess, [String: String], URL) {
        let directory = try TestDirectories.make(prefix)
        let environment = [
            "STORAGE_PATH": directory.appendingPathComponent("lifeline.sqlite").path,
            "PROVIDERS_STANDARD_SECRETS": TestSecrets.standard, "ADMIN_TOKENS": "cli-admin-token",
        ]
        let server = ServeProcess(
            configPath: ServerFixture.repository.appendingPathComponent(Self.config).path, environment: environment, directory: directory)
        do {
            try await server.start(client: HTTPClient.shared)
            let replayed = try LifelineBinary.run(
                ["replay", "Webhooks/standard", "--provider", "standard", "--secret", TestSecrets.standard, "--url", server.baseURL], environment: environment)
            #expect(replayed.status == 0, "\(replayed.output)")
            // Acknowledged is not yet projected: wait for the projector to reach the end of the log.
            var caughtUp = false
            for _ in 0..<200 where !caughtUp {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL + "/ready"), timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 1 << 16)
                let ready = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
                caughtUp = (ready?["projection"] as? [String: Any])?["lag_events"] as? Int == 0
                if !caughtUp { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(caughtUp, "the projector did not catch up with the replayed samples")
        } catch {
            server.kill()
            throw error
        }
        return (server, environment, directory)
    }

    @Test(.timeLimit(.minutes(2)))
    func rebuildRefusesBesideAServeUnlessOnlineAndRunsOnceItStopped() async throws {
        let (server, environment, _) = try await Self.serveWithTheStandardSamples("lifeline-cli-rebuild")
        defer { server.kill() }

        // The serving instance announces itself: an offline rebuild refuses and says why.
        let refused = try LifelineBinary.run(["rebuild", "--config", Self.config], environment: environment)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("a lifeline serve uses"), "\(refused.output)")
        #expect(refused.output.contains("--online"), "\(refused.output)")

        // Beside it, online: one transaction, the same projection afterwards.
        let online = try LifelineBinary.run(["rebuild", "--config", Self.config, "--online", "--json"], environment: environment)
        #expect(online.status == 0, "\(online.output)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(online.output.utf8)) as? [String: Any], "\(online.output)")
        #expect((summary["events"] as? Int ?? 0) >= 7, "\(online.output)")
        #expect(summary["failed_events"] as? Int == 0)
        #expect(summary["movements_added"] as? Int == 0 && summary["movements_removed"] as? Int == 0, "\(online.output)")
        #expect((summary["reclassified"] as? [Any])?.isEmpty == true, "\(online.output)")
        #expect(summary["nrr"] is [Any])

        // Stopped gracefully, the instance retires: the offline rebuild runs and prints its summary.
        await server.terminate()
        let offline = try LifelineBinary.run(["rebuild", "--renormalize", "--config", Self.config], environment: environment)
        #expect(offline.status == 0, "\(offline.output)")
        #expect(offline.output.contains("Normalized again: 7 events with a raw body, 0 changed, 0 kept as logged"), "\(offline.output)")
        #expect(offline.output.contains("Rebuilt "), "\(offline.output)")
        #expect(offline.output.contains("Nothing changed"), "\(offline.output)")
        #expect(offline.output.contains("MRR movements added: 0, removed: 0."), "\(offline.output)")
    }
    @Test(.timeLimit(.minutes(2)))
    func forgetErasesACustomerBesideAServe() async throws {
        let (server, environment, directory) = try await Self.serveWithTheStandardSamples("lifeline-cli-forget")
        defer { server.kill() }
        func customer() async throws -> [String: Any] {
            var request = HTTPClientRequest(url: server.baseURL + "/api/v1/customers/cus_transports_morel")
            request.headers.add(name: "Authorization", value: "Bearer cli-admin-token")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
            return try #require(json["customer"] as? [String: Any], "\(json)")
        }
        // Wait for the projector, then the details are there.
        var before: [String: Any] = [:]
        for _ in 0..<100 {
            if let found = try? await customer(), found["name"] as? String != nil { before = found; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(before["name"] as? String == "Transports Morel SAS", "\(before)")

        let erased = try LifelineBinary.run(["forget", "cus_transports_morel", "--json", "--config", Self.config], environment: environment)
        #expect(erased.status == 0, "\(erased.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(erased.output.utf8)) as? [String: Any], "\(erased.output)")
        #expect(report["found"] as? Bool == true)
        #expect(report["events"] as? Int == 6, "\(erased.output)")
        #expect(report["raw_bodies"] as? Int == 7, "\(erased.output)")
        let after = try await customer()
        #expect(after["name"] == nil || after["name"] is NSNull, "\(after)")
        #expect(after["email"] == nil || after["email"] is NSNull, "\(after)")
        #expect(after["segment"] as? String == "PME", "\(after)")
        #expect(after["metadata"] as? [String: String] == ["segment": "PME"], "\(after)")
        // The erased file no longer holds the name anywhere, WAL included.
        await server.terminate()
        for suffix in ["", "-wal"] {
            let path = directory.appendingPathComponent("lifeline.sqlite" + suffix).path
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            #expect(bytes.range(of: Data("Transports Morel SAS".utf8)) == nil, "\(path) still holds the name")
        }

        let unknown = try LifelineBinary.run(["forget", "cus_nobody", "--config", Self.config], environment: environment)
        #expect(unknown.status == 1, "\(unknown.output)")
        #expect(unknown.output.contains("no customer cus_nobody"), "\(unknown.output)")
    }
}
