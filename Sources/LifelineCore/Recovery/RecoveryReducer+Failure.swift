extension RecoveryReducer {
    /// A failure opens a case, joins the running one, or — when a later report of the same
    /// failure changes its category before anything was delivered — replans it.
    func handleFailure(_ failure: PaymentFailureRecord, event: BillingEvent, ledger: LedgerChanges, state: RecoveryState, now: Int64, into changes: inout RecoveryChanges) {
        let existing = state.runningCases.first { $0.currency == failure.currency }
        let isNewFailure = failure.id == event.id
        let assessment = assess(failure, state: state)

        guard var running = existing else {
            open(failure, assessment: assessment, event: event, ledger: ledger, state: state, now: now, into: &changes)
            return
        }
        running.updatedAt = now
        if let invoiceID = failure.invoiceID, !running.invoiceIDs.contains(invoiceID) {
            running.invoiceIDs.append(invoiceID)
        }
        running.amountDue = amountDue(of: running.invoiceIDs, state: state, fallback: running.amountDue + (isNewFailure ? failure.amount : 0))
        running.stressScore = assessment.score
        running.stressReasons = assessment.reasons
        let summary = isNewFailure
            ? "failure \(failure.category.rawValue) joined the case (\(codes(failure)))"
            : "failure report enriched: \(codes(failure)) → \(failure.category.rawValue)"
        changes.timeline.append(TimelineEntry(caseID: running.id, at: event.occurredAt, kind: "event", summary: summary, reference: event.id))

        if running.status == .open && failure.category != running.category {
            // Nothing was delivered yet, so the plan can still follow the better diagnosis.
            running.category = failure.category
            let old = RecoveryCase(
                id: running.id, customerID: running.customerID, currency: running.currency, category: running.category,
                mrrAtRisk: 0, amountDue: 0, stressScore: 0, stressReasons: [], invoiceIDs: [], openedAt: 0, updatedAt: 0
            )
            cancelPending(of: old, because: "category changed to \(failure.category.rawValue)", at: now, state: state, into: &changes)
            plan(for: running, state: state, now: now, into: &changes)
        }
        changes.cases.append(running)
    }

    func open(_ failure: PaymentFailureRecord, assessment: StressAssessment, event: BillingEvent, ledger: LedgerChanges, state: RecoveryState, now: Int64, into changes: inout RecoveryChanges) {
        let invoiceIDs = failure.invoiceID.map { [$0] } ?? []
        let recoveryCase = RecoveryCase(
            id: "case_\(event.id)", customerID: failure.customerID, currency: failure.currency,
            category: failure.category, mrrAtRisk: state.customerMRR,
            amountDue: amountDue(of: invoiceIDs, state: state, fallback: failure.amount),
            stressScore: assessment.score, stressReasons: assessment.reasons, invoiceIDs: invoiceIDs,
            openedAt: event.occurredAt, updatedAt: now
        )
        changes.timeline.append(TimelineEntry(
            caseID: recoveryCase.id, at: event.occurredAt, kind: "event",
            summary: "case opened: \(failure.category.rawValue) failure of \(Money(failure.amount, failure.currency)) (\(codes(failure))), MRR at risk \(Money(state.customerMRR, failure.currency))",
            reference: event.id
        ))
        changes.timeline.append(TimelineEntry(
            caseID: recoveryCase.id, at: now, kind: "decision",
            summary: "cash-flow stress \(assessment.score)/100" + (assessment.reasons.isEmpty ? "" : ": " + assessment.reasons.joined(separator: "; "))
        ))
        plan(for: recoveryCase, state: state, now: now, into: &changes)
        changes.cases.append(recoveryCase)
    }

    /// Runs the playbook and writes its steps into the outbox.
    func plan(for recoveryCase: RecoveryCase, state: RecoveryState, now: Int64, into changes: inout RecoveryChanges) {
        let tenureDays = Int(max(0, now - state.customer.firstSeenAt) / 86_400)
        let context = DecisionContext(
            recoveryCase: recoveryCase, segment: state.customer.segment, tenureDays: tenureDays,
            paydays: state.paydays, now: now
        )
        let decision = PlaybookEngine.decide(policy.playbook, context: context)
        guard plansActions else {
            changes.timeline.append(TimelineEntry(
                caseID: recoveryCase.id, at: now, kind: "decision",
                summary: "history: no action planned (imported, or heard of after the action horizon); the playbook would have chosen: \(decision.reason)",
                reference: decision.ruleName
            ))
            return
        }
        changes.timeline.append(TimelineEntry(caseID: recoveryCase.id, at: now, kind: "decision", summary: decision.reason, reference: decision.ruleName))
        let invoice = recoveryCase.invoiceIDs.last.flatMap { id in state.invoices.first { $0.id == id } }
        for step in decision.steps {
            // Case, rule and step name: stable, so a replay of the same event plans the same ids.
            let actionID = "act_\(recoveryCase.id.dropFirst("case_".count))_\(decision.ruleName ?? "none")_\(step.name)"
            let payload = ActionPayloads.build(
                actionID: actionID, kind: step.kind, target: step.target, parameters: step.parameters,
                recoveryCase: recoveryCase, customer: state.customer, invoice: invoice
            )
            changes.newActions.append(RecoveryAction(
                id: actionID, caseID: recoveryCase.id, customerID: recoveryCase.customerID, invoiceID: invoice?.id,
                kind: step.kind, target: step.target, parameters: step.parameters, reason: step.reason,
                payload: payload, dueAt: step.dueAt, createdAt: now
            ))
            changes.timeline.append(TimelineEntry(
                caseID: recoveryCase.id, at: now, kind: "action",
                summary: "planned \(step.kind.rawValue)\(step.target.map { " via \($0)" } ?? "") for \(UTCDate.text(step.dueAt)): \(step.reason)",
                reference: actionID
            ))
        }
    }

    func assess(_ failure: PaymentFailureRecord, state: RecoveryState) -> StressAssessment {
        let input = StressInput(
            current: failure, pastFailures: state.pastFailures.filter { $0.id != failure.id },
            invoices: state.invoices, subscriptionActive: state.customerMRR > 0
        )
        return StressScorer.assess(input, weights: policy.weights)
    }

    /// What the case's invoices still owe, from the ledger; the fallback when none is known.
    func amountDue(of invoiceIDs: [String], state: RecoveryState, fallback: Int64) -> Int64 {
        let known = state.invoices.filter { invoiceIDs.contains($0.id) }
        guard !known.isEmpty else { return fallback }
        return known.reduce(0) { $0 + $1.amountRemaining }
    }

    func codes(_ failure: PaymentFailureRecord) -> String {
        let codes = [failure.adviceCode, failure.declineCode, failure.bankReasonCode, failure.failureCode].compactMap { $0 }
        return codes.isEmpty ? "no code" : codes.joined(separator: ", ")
    }
}
