import AsyncHTTPClient
import Foundation
import LifelineConfig
import Testing

/// The commands of the README as the real binary runs them, on real files: `migrate`, `demo`
/// and the read-only commands on what it leaves, `simulate` then `replay` into a real `serve`,
/// and `check-config`'s warnings.
extension CommandLineTests {
    /// The line of a printed table that starts with `key` (after spaces), split into its cells.
    static func row(_ output: String, _ key: String) -> [String]? {
        output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            .first { $0.first == key }
    }

    @Test func migrateCreatesTheStoreThenReadOnlyCommandsReadIt() throws {
        let path = try Self.missingDatabase()
        let environment = ["STORAGE_PATH": path]
        let migrated = try LifelineBinary.run(["migrate", "--config", Self.config], environment: environment)
        #expect(migrated.status == 0, "\(migrated.output)")
        #expect(migrated.output.contains("migrated"), "\(migrated.output)")
        #expect(migrated.output.contains(path), "\(migrated.output)")
        #expect(FileManager.default.fileExists(atPath: path))
        // Again: a migrated store is left as it is.
        #expect(try LifelineBinary.run(["migrate", "--config", Self.config], environment: environment).status == 0)

        let cases = try LifelineBinary.run(["cases", "--config", Self.config], environment: environment)
        #expect(cases.status == 0, "\(cases.output)")
        #expect(Self.row(cases.output, "case") != nil, "\(cases.output)")
        #expect(!cases.output.contains("case_"), "\(cases.output)")
        let ledger = try LifelineBinary.run(["ledger", "--config", Self.config], environment: environment)
        #expect(ledger.status == 0, "\(ledger.output)")
        #expect(ledger.output.contains("events stored: 0 (0 of types Lifeline ignores)"), "\(ledger.output)")
        #expect(ledger.output.contains("customers: 0, subscriptions with MRR: 0"), "\(ledger.output)")
        let missingCase = try LifelineBinary.run(["cases", "--id", "case_nope", "--config", Self.config], environment: environment)
        #expect(missingCase.status == 1, "\(missingCase.output)")
        #expect(missingCase.output.contains("no case case_nope"), "\(missingCase.output)")
    }

    /// `lifeline demo` on a database of its own, then `cases`, `cases --id`, `ledger` and
    /// `report nrr` on what it stored, as the demo's closing lines suggest.
    @Test(.timeLimit(.minutes(5)))
    func demoThenTheReadOnlyCommandsOnItsDatabase() throws {
        let directory = try TestDirectories.make("lifeline-cli-demo")
        let path = directory.appendingPathComponent("demo.sqlite").path
        let demo = try LifelineBinary.run(["demo", "--database", path, "--portfolio", "8"], environment: [:])
        #expect(demo.status == 0, "\(demo.output.suffix(3_000))")
        #expect(demo.output.contains("== NRR report"), "\(demo.output.suffix(3_000))")
        #expect(demo.output.contains("== Sample webhooks of each provider"), "\(demo.output.suffix(3_000))")
        #expect(demo.output.contains("Stored in \(path)."), "\(demo.output.suffix(3_000))")
        #expect(FileManager.default.fileExists(atPath: path))

        let environment = ["STORAGE_PATH": path]
        let cases = try LifelineBinary.run(["cases", "--config", Self.config], environment: environment)
        #expect(cases.status == 0, "\(cases.output)")
        // The four stories: financed, recovered by a retry, lost, and the one with no funds at all.
        let bakery = try #require(Self.row(cases.output, "case_evt_demo_041"), "\(cases.output)")
        #expect(bakery.contains("cus_demo_boulangerie"))
        #expect(bakery.contains("cash_flow"))
        #expect(bakery.contains("recovered"))
        #expect(bakery.last == "financing_offer")
        let garage = try #require(Self.row(cases.output, "case_evt_demo_046"), "\(cases.output)")
        #expect(garage.contains("lost"), "\(garage)")
        let recovered = try LifelineBinary.run(["cases", "--status", "recovered", "--config", Self.config], environment: environment)
        #expect(recovered.status == 0)
        #expect(Self.row(recovered.output, "case_evt_demo_041") != nil)
        #expect(Self.row(recovered.output, "case_evt_demo_046") == nil, "\(recovered.output)")

        let timeline = try LifelineBinary.run(["cases", "--id", "case_evt_demo_041", "--config", Self.config], environment: environment)
        #expect(timeline.status == 0, "\(timeline.output)")
        #expect(timeline.output.contains("Case case_evt_demo_041 — Boulangerie Martin (cus_demo_boulangerie)"), "\(timeline.output)")
        #expect(timeline.output.contains("status recovered, cash_flow"), "\(timeline.output)")
        #expect(Self.row(timeline.output, "act_evt_demo_041_cash-flow-financing_offer")?.contains("delivered") == true, "\(timeline.output)")

        let ledger = try LifelineBinary.run(["ledger", "--config", Self.config], environment: environment)
        #expect(ledger.status == 0, "\(ledger.output.prefix(2_000))")
        #expect(ledger.output.contains("== Customers"))
        #expect(Self.row(ledger.output, "cus_demo_boulangerie")?.contains("Boulangerie") == true, "\(ledger.output.prefix(3_000))")
        #expect(Self.row(ledger.output, "sub_demo_garage")?.contains("payment_failed") == true, "\(ledger.output.prefix(3_000))")

        let json = try LifelineBinary.run(
            ["report", "nrr", "--from", "2026-06-01", "--to", "2026-12-01", "--format", "json", "--config", Self.config], environment: environment)
        #expect(json.status == 0, "\(json.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        let groups = (report["groups"] as? [[String: Any]] ?? []).compactMap { $0["group"] as? String }
        #expect(groups.contains("TPE"), "\(groups)")
        let total = try #require((report["totals"] as? [[String: Any]])?.first)
        #expect((total["recovered_mrr"] as? NSNumber)?.int64Value ?? 0 > 0, "\(total)")
        let table = try LifelineBinary.run(["report", "nrr", "--from", "2026-06-01", "--to", "2026-12-01", "--config", Self.config], environment: environment)
        #expect(table.status == 0, "\(table.output)")
        #expect(Self.row(table.output, "TPE") != nil, "\(table.output)")
    }

    /// `simulate` writes the same portfolio for the same seed; `replay` posts it to a real
    /// `serve`, which acknowledges every file; `ledger` then shows the simulated customers.
    @Test(.timeLimit(.minutes(3)))
    func simulateWritesAPortfolioThatReplays() async throws {
        let first = try TestDirectories.make("lifeline-cli-simulate")
        let second = try TestDirectories.make("lifeline-cli-simulate")
        let arguments = ["simulate", "--customers", "6", "--months", "2", "--seed", "7", "--start", "2026-01-01", "--out"]
        let written = try LifelineBinary.run(arguments + [first.path], environment: [:])
        #expect(written.status == 0, "\(written.output)")
        #expect(written.output.contains("for 6 customers over 2 months (2026-01-01 → "), "\(written.output)")
        let files = try FileManager.default.contentsOfDirectory(atPath: first.appendingPathComponent("standard").path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count > 6)
        #expect(written.output.contains("Wrote \(files.count) events"), "\(written.output)")
        #expect(try LifelineBinary.run(arguments + [second.path], environment: [:]).status == 0)
        for name in files {
            let a = try Data(contentsOf: first.appendingPathComponent("standard").appendingPathComponent(name))
            let b = try Data(contentsOf: second.appendingPathComponent("standard").appendingPathComponent(name))
            #expect(a == b, "\(name) differs for the same seed")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: second.appendingPathComponent("standard").path).filter { $0.hasSuffix(".json") }.sorted() == files)
        // A second run into a directory that holds a portfolio is refused.
        let again = try LifelineBinary.run(arguments + [first.path], environment: [:])
        #expect(again.status == 64, "\(again.output)")
        #expect(again.output.contains("already holds \(files.count) JSON files"), "\(again.output)")

        try await Self.withServer { baseURL, environment in
            let replayed = try LifelineBinary.run(
                ["replay", first.appendingPathComponent("standard").path, "--provider", "standard", "--secret", TestSecrets.standard,
                 "--url", baseURL, "--quiet"], environment: environment)
            #expect(replayed.status == 0, "\(replayed.output)")
            let ledger = try LifelineBinary.run(["ledger", "--config", Self.config], environment: environment)
            #expect(ledger.status == 0, "\(ledger.output)")
            #expect(ledger.output.contains("customers: 6,"), "\(ledger.output.prefix(2_000))")
        }
    }

    @Test func checkConfigWarnsOfEveryActionThatWouldGoToTheDeadLetter() throws {
        // The shipped file with nothing configured for the playbook's actions.
        let bare = try LifelineBinary.run(["check-config", "--config", Self.config], environment: [:])
        #expect(bare.status == 0, "\(bare.output)")
        let warnings = bare.output.split(separator: "\n").filter { $0.hasPrefix("warning: ") }.map(String.init)
        #expect(warnings == [
            "warning: partner 'sandbox' is not configured (partners.sandbox.url / .secret): offers of cash-flow-financing.offer would go to the dead letter",
            "warning: dunning.url is not set: cash-flow-financing.plan-email, cash-flow-retry.reminder, payment-method-update.update-request, "
                + "payment-method-update.update-reminder, technical-retry.reminder, hard-decline.update-request would go to the dead letter",
            "warning: stripe.api_key is not set: cash-flow-financing.payday-retry, cash-flow-retry.payday-retry, payment-method-update.retry, "
                + "technical-retry.first-retry, technical-retry.second-retry would go to the dead letter",
            "warning: admin.tokens is empty: the admin API and the dashboard refuse every request",
        ], "\(bare.output)")
        let strict = try LifelineBinary.run(["check-config", "--strict", "--config", Self.config], environment: [:])
        #expect(strict.status == 2, "\(strict.output)")

        // Everything the playbook needs: no warning, and --strict passes.
        let complete = [
            "PARTNERS_NAMES": "sandbox", "PARTNERS_SANDBOX_URL": "http://127.0.0.1:9/partner",
            "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret, "DUNNING_URL": "http://127.0.0.1:9/dunning",
            "STRIPE_API_KEY": RecoveryFixture.stripeKey, "ADMIN_TOKENS": "a-token",
        ]
        let clean = try LifelineBinary.run(["check-config", "--strict", "--config", Self.config], environment: complete)
        #expect(clean.status == 0, "\(clean.output)")
        #expect(!clean.output.contains("warning:"), "\(clean.output)")
        // A variable meant for Lifeline but not read by it is a warning too.
        var typo = complete
        typo["ADMIN_TOKEN"] = "a-token"
        let misspelt = try LifelineBinary.run(["check-config", "--strict", "--config", Self.config], environment: typo)
        #expect(misspelt.status == 2, "\(misspelt.output)")
        #expect(misspelt.output.contains("warning: environment variable ADMIN_TOKEN is not read; did you mean ADMIN_TOKENS?"), "\(misspelt.output)")
    }
}
