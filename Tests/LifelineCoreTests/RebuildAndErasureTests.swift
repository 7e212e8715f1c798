import LifelineCore
import Testing

@Suite("Rebuild reconciliation and personal data")
struct RebuildAndErasureTests {
    static func recoveryCase(_ id: String, category: FailureCategory = .cashFlow) -> RecoveryCase {
        RecoveryCase(
            id: id, customerID: "cus_1", currency: "eur", category: category, mrrAtRisk: 4_900, amountDue: 4_900,
            stressScore: 40, stressReasons: [], invoiceIDs: ["in_1"], openedAt: 100, updatedAt: 100
        )
    }

    @Test func aCaseOpenedByAnUnprojectedEventIsNotSaidToBeOpenedByTheRebuild() {
        let rebuilt = [Self.recoveryCase("case_a"), Self.recoveryCase("case_b"), Self.recoveryCase("case_c", category: .technical)]
        let before = [Self.recoveryCase("case_c")]
        let reconciled = Rebuild.reconcile(before: before, rebuilt: rebuilt, actions: [], now: 500, openedByUnprojected: ["case_b"])
        #expect(reconciled.timeline.map(\.caseID) == ["case_a", "case_c"])
        #expect(reconciled.timeline[0].summary == "rebuild: opened from the log (cash_flow, open)")
        #expect(reconciled.timeline[1].summary == "rebuild: category cash_flow → technical")
        #expect(reconciled.cases.map(\.id) == ["case_a", "case_b", "case_c"])
    }

    @Test func erasureKeepsIdsAmountsAndTheSegment() {
        let event = BillingEvent(
            id: "evt_1", type: .subscriptionDeleted, occurredAt: 10,
            customer: CustomerInfo(id: "cus_1", email: "a@b.fr", name: "Boulangerie Martin", metadata: ["segment": "TPE", "address": "1 rue X"]),
            subscription: SubscriptionInfo(
                id: "sub_1", status: .canceled, currency: "eur",
                items: [SubscriptionItem(priceID: "p", unitAmount: 4_900, quantity: 1, interval: .month, intervalCount: 1)],
                cancellationReason: .requested, cancellationComment: "Martin retires"
            )
        )
        let erased = PersonalData.erase(event)
        #expect(erased.customer == CustomerInfo(id: "cus_1", metadata: ["segment": "TPE"]))
        #expect(erased.subscription?.cancellationComment == nil)
        #expect(erased.subscription?.cancellationReason == .requested)
        #expect(erased.subscription?.items == event.subscription?.items)
        #expect(erased.id == event.id && erased.occurredAt == event.occurredAt)
    }

    @Test func scrubbingReplacesWholeJSONStringsAndKeepsTheDocumentValid() {
        let customer = CustomerRecord(id: "cus_1", email: "a/b@c.fr", name: "Le \"Fournil\"", metadata: ["segment": "TPE", "city": "Lyon"], firstSeenAt: 0, lastEventAt: 0)
        #expect(PersonalData.values(of: customer) == ["Le \"Fournil\"", "a/b@c.fr", "Lyon"])
        let payload = #"{"customer":{"email":"a\/b@c.fr","id":"cus_1","name":"Le \"Fournil\""},"note":"Lyon","segment":"TPE","town":"Lyonnais"}"#
        let scrubbed = PersonalData.scrubJSON(payload, values: PersonalData.values(of: customer))
        #expect(scrubbed == #"{"customer":{"email":"[erased]","id":"cus_1","name":"[erased]"},"note":"[erased]","segment":"TPE","town":"Lyonnais"}"#)
        #expect(PersonalData.scrubText("sent to Le \"Fournil\" in Lyon", values: PersonalData.values(of: customer)) == "sent to [erased] in [erased]")
    }
}
