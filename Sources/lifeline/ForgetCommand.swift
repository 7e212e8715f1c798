import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore

struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a customer's personal data (the GDPR right to erasure) from the log, the raw bodies, the ledger, the action payloads and the case timelines.",
        discussion: """
            Names, emails, free metadata (every key but `segment`), cancellation comments and bank messages are erased; \
            the raw bodies of the deliveries that carried the customer's events are dropped. Amounts, ids, dates, codes \
            and the segment stay, so the ledger, the cases and the reports still hold, and a rebuild gives the same \
            figures. One transaction; safe beside a running `lifeline serve`; repeatable. Events received afterwards \
            carry what the provider sends: erase the customer at the provider too.
            Exit status: 0 when erased, 1 when the customer is unknown or the store failed.
            """
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The customer's id, as the provider names it (cus_…).")
    var customerID: String

    @Flag(help: "Print what was erased as JSON.")
    var json = false

    func validate() throws {
        if customerID.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("the customer id must not be empty") }
    }

    func run() async throws {
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openExistingStore(configuration)
        let report = try await store.forget(customerID: customerID, now: SystemClock().nowSeconds())
        guard report.found else { throw CommandFailure("no customer \(customerID) in the ledger or the log: nothing erased") }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("""
                Erased the personal data of \(customerID): \(report.events) logged events, \(report.rawBodies) raw bodies dropped, \
                \(report.subscriptions) subscriptions, \(report.actions) action payloads, \(report.timelineEntries) timeline entries.
                """)
        }
    }
}
