extension RecoveryReducer {
    /// A paid invoice recovers its case once nothing else in the case is owed; the saving goes
    /// to the last action delivered before the payment.
    func handlePayment(invoiceID: String, event: BillingEvent, state: RecoveryState, into changes: inout RecoveryChanges) {
        guard var running = runningCase(containing: invoiceID, state) else { return }
        let unpaid = running.invoiceIDs.filter { id in
            id != invoiceID && state.invoices.first { $0.id == id }.map { !LedgerReducer.isSettled($0.status) } ?? false
        }
        guard unpaid.isEmpty else {
            running.amountDue = amountDue(of: unpaid, state: state, fallback: running.amountDue)
            running.updatedAt = event.occurredAt
            changes.cases.append(running)
            changes.timeline.append(TimelineEntry(caseID: running.id, at: event.occurredAt, kind: "event", summary: "invoice \(invoiceID) paid; \(unpaid.count) still unpaid", reference: event.id))
            return
        }
        let delivered = state.caseActions
            .filter { $0.caseID == running.id && $0.status == .delivered && ($0.deliveredAt ?? .max) <= event.occurredAt }
            .max { ($0.deliveredAt ?? 0, $0.id) < ($1.deliveredAt ?? 0, $1.id) }
        running.attributedActionID = delivered?.id
        running.attributedActionKind = delivered?.kind
        running.amountDue = 0
        let why = delivered.map { "invoice \(invoiceID) paid after \($0.kind.rawValue) \($0.id)" }
            ?? "invoice \(invoiceID) paid before any action was delivered"
        end(running, as: .recovered, at: event.occurredAt, why: why, event: event, state: state, into: &changes)
    }

    /// A voided invoice leaves the case; a case with nothing left to collect closes.
    func handleVoid(invoiceID: String, in recoveryCase: RecoveryCase, event: BillingEvent, state: RecoveryState, into changes: inout RecoveryChanges) {
        var running = recoveryCase
        running.invoiceIDs.removeAll { $0 == invoiceID }
        let unpaid = running.invoiceIDs.filter { id in
            state.invoices.first { $0.id == id }.map { !LedgerReducer.isSettled($0.status) } ?? true
        }
        guard unpaid.isEmpty else {
            running.amountDue = amountDue(of: unpaid, state: state, fallback: running.amountDue)
            running.updatedAt = event.occurredAt
            changes.cases.append(running)
            changes.timeline.append(TimelineEntry(caseID: running.id, at: event.occurredAt, kind: "event", summary: "invoice \(invoiceID) voided", reference: event.id))
            return
        }
        end(running, as: .closed, at: event.occurredAt, why: "invoice \(invoiceID) voided; nothing left to collect", event: event, state: state, into: &changes)
    }
}
