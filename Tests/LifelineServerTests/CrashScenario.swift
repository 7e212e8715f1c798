import Foundation
import LifelineCore

/// The crash test's inputs: a configuration whose every action is due at once and retried
/// within seconds, and customers who pay once, then fail for insufficient funds.
enum CrashScenario {
    static let adminToken = "crash-admin-token"
    static let playbook = """
        playbooks:
          crash-financing:
            match: { categories: [cash_flow] }
            steps:
              offer: { action: financing_offer, partner: sandbox, terms: instalments_3, delay: 0s }
              plan-email: { action: dunning_email, template: payment_plan, step: 1, delay: 0s }
              ops: { action: notify_ops, delay: 0s }

        """

    /// `config/lifeline.yaml` with short backoffs, the reason codes by absolute path, and the
    /// playbook above in place of the default one. `outbox.*` and `playbooks` are read only from
    /// the file, never from the environment. `playbook` replaces the file's `playbooks:` section.
    static func configuration(requestTimeoutSeconds: Int = 2, playbook: String = CrashScenario.playbook) throws -> String {
        let repository = ServerFixture.repository
        let original = try String(contentsOf: repository.appendingPathComponent("config/lifeline.yaml"), encoding: .utf8)
        let overrides = [
            "reason_codes": repository.appendingPathComponent("config/reason-codes.yaml").path,
            "backoff_base_seconds": "1", "backoff_max_seconds": "2", "request_timeout_seconds": "\(requestTimeoutSeconds)",
        ]
        var lines: [String] = []
        var skipping = false
        for line in original.components(separatedBy: "\n") {
            let topLevel = !line.isEmpty && !line.hasPrefix(" ")
            if topLevel { skipping = false }
            if line.hasPrefix("playbooks:") {
                skipping = true
                lines.append(playbook)
                continue
            }
            if skipping { continue }
            let trimmed = line.drop { $0 == " " }
            if let key = overrides.keys.first(where: { trimmed.hasPrefix("\($0):") }) {
                lines.append(String(repeating: " ", count: line.count - trimmed.count) + "\(key): \(overrides[key]!)")
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The environment of `lifeline serve`: SQLite in `directory`, the sandbox partner and the
    /// dunning service on the stub.
    static func environment(directory: URL, stubURL: String) -> [String: String] {
        [
            "STORAGE_PATH": directory.appendingPathComponent("lifeline.sqlite").path,
            "PROVIDERS_STANDARD_SECRETS": TestSecrets.standard,
            "PARTNERS_NAMES": "sandbox", "PARTNERS_SANDBOX_URL": "\(stubURL)/partner",
            "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret,
            "DUNNING_URL": "\(stubURL)/dunning", "ADMIN_TOKENS": adminToken,
        ]
    }

    /// Five events per customer, oldest first: subscribed, first invoice paid, second invoice failed.
    static func events(customers: Int, now: Int64) -> [[(id: String, body: [UInt8])]] {
        // The failure happens an hour before `now`: inside the action horizon, so it is acted on.
        let start = now - 30 * 86_400 - 2 * 3_600
        return (0..<customers).map { index in
            let customer = CustomerInfo(id: "cus_crash_\(index)", name: "Crash \(index)", metadata: ["segment": "TPE"])
            let subscription = SubscriptionInfo(
                id: "sub_crash_\(index)", status: .active, currency: "eur",
                items: [SubscriptionItem(unitAmount: 4_900 + Int64(index), interval: .month)]
            )
            func invoice(_ number: Int, _ status: InvoiceStatus) -> InvoiceInfo {
                let due = 4_900 + Int64(index)
                return InvoiceInfo(
                    id: "in_crash_\(index)_\(number)", subscriptionID: subscription.id, currency: "eur", amountDue: due,
                    amountPaid: status == .paid ? due : 0, amountRemaining: status == .paid ? 0 : due, status: status,
                    dueAt: start + Int64(number - 1) * 30 * 86_400
                )
            }
            let payment = { (number: Int, failure: String?) in
                PaymentInfo(id: "py_crash_\(index)_\(number)", amount: 4_900 + Int64(index), currency: "eur", attempt: 1, failureCode: failure)
            }
            let prefix = "evt_crash_\(index)"
            let events = [
                BillingEvent(id: "\(prefix)_1", type: .subscriptionCreated, occurredAt: start, customer: customer, subscription: subscription),
                BillingEvent(id: "\(prefix)_2", type: .invoiceFinalized, occurredAt: start + 60, customer: customer, invoice: invoice(1, .open)),
                BillingEvent(id: "\(prefix)_3", type: .paymentSucceeded, occurredAt: start + 3_600, customer: customer,
                             invoice: invoice(1, .paid), payment: payment(1, nil)),
                BillingEvent(id: "\(prefix)_4", type: .invoiceFinalized, occurredAt: start + 30 * 86_400, customer: customer, invoice: invoice(2, .open)),
                BillingEvent(id: "\(prefix)_5", type: .paymentFailed, occurredAt: start + 30 * 86_400 + 3_600, customer: customer,
                             invoice: invoice(2, .open), payment: payment(2, "insufficient_funds")),
            ]
            return events.map { ($0.id, GenericEvents.json($0)) }
        }
    }
}
