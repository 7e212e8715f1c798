import Foundation
import LifelineCore
import LifelineOutbound
import Logging
import Synchronization
import Testing

/// A wall clock the test moves by hand.
final class ManualClock: WallClock {
    private let seconds: Mutex<Int64>
    init(_ seconds: Int64) { self.seconds = Mutex(seconds) }
    func nowSeconds() -> Int64 { seconds.withLock { $0 } }
    func advance(by delta: Int64) { seconds.withLock { $0 += delta } }
}

/// Shared fixtures: one cash-strapped customer, one unpaid invoice, secrets that must never leak.
enum Fixtures {
    static let now: Int64 = 1_795_435_200
    static let partnerSecret = "whsec_" + Data("lifeline-test-partner-key-32b!!!".utf8).base64EncodedString()
    static let stripeKey = "sk_test_51LifelineSecretKeyNeverLogged"

    static let customer = CustomerRecord(
        id: "cus_42", email: "owner@bakery.example", name: "Rosa \"Bakery\" Ltd", firstSeenAt: now - 90 * 86_400,
        lastEventAt: now
    )
    static let invoice = InvoiceRecord(
        id: "in_1001", customerID: "cus_42", subscriptionID: "sub_7", currency: "eur", amountDue: 12_900,
        amountPaid: 0, amountRemaining: 12_900, status: .open, attempts: 2, dueAt: now - 86_400, paidAt: nil,
        createdAt: now - 10 * 86_400, lastEventAt: now
    )
    static let recoveryCase = RecoveryCase(
        id: "case_1", customerID: "cus_42", currency: "eur", category: .cashFlow, mrrAtRisk: 12_900,
        amountDue: 12_900, stressScore: 72, stressReasons: ["insufficient funds"], invoiceIDs: ["in_1001"],
        openedAt: now, updatedAt: now
    )

    static func action(
        _ kind: ActionKind, id: String = "act_1", target: String? = nil, parameters: [String: String] = [:],
        invoiceID: String? = "in_1001", attempts: Int = 0
    ) -> RecoveryAction {
        let payload = ActionPayloads.build(
            actionID: id, kind: kind, target: target, parameters: parameters, recoveryCase: recoveryCase,
            customer: customer, invoice: invoice
        )
        return RecoveryAction(
            id: id, caseID: recoveryCase.id, customerID: customer.id, invoiceID: invoiceID, kind: kind, target: target,
            parameters: parameters, reason: "test", payload: payload, dueAt: now, attempts: attempts, createdAt: now
        )
    }

    static func financingAction(id: String = "act_fin_1") -> RecoveryAction {
        action(.financingOffer, id: id, target: "acme", parameters: ["terms": "instalments_3"])
    }

    static func settings(
        baseURL: String = "http://127.0.0.1:1", maxAttempts: Int = 5, backoffBaseSeconds: Int64 = 0,
        requestTimeoutSeconds: Int64 = 5
    ) -> OutboundSettings {
        OutboundSettings(
            partners: ["acme": PartnerEndpoint(url: baseURL, secret: partnerSecret)],
            dunningURL: baseURL + "/dunning", stripeAPIBase: baseURL, stripeAPIKey: stripeKey,
            requestTimeoutSeconds: requestTimeoutSeconds, maxAttempts: maxAttempts,
            backoffBaseSeconds: backoffBaseSeconds, backoffMaxSeconds: 60, pollIntervalMilliseconds: 10,
            batchSize: 4, leaseSeconds: 60
        )
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "lifeline.outbound.test")
        logger.logLevel = .critical
        return logger
    }

    /// Parses a JSON body into a dictionary for field checks.
    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
