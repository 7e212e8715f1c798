import LifelineCore
import PostgresNIO

/// Records → rows. `save` upserts (the reducers hand back whole records), `insert` adds rows
/// that are only ever appended.
extension PostgresSession {
    func save(_ customer: CustomerRecord) async throws {
        try await execute("""
            INSERT INTO customers (id, email, name, metadata, segment, first_seen_at, first_paid_at, last_event_at)
            VALUES (\(customer.id), \(customer.email), \(customer.name), \(try PostgresJSON.encode(customer.metadata))::jsonb,
                    \(customer.segment), \(customer.firstSeenAt), \(customer.firstPaidAt), \(customer.lastEventAt))
            ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, metadata = EXCLUDED.metadata,
                segment = EXCLUDED.segment, first_seen_at = EXCLUDED.first_seen_at, first_paid_at = EXCLUDED.first_paid_at,
                last_event_at = EXCLUDED.last_event_at
            """)
    }

    func save(_ subscription: SubscriptionRecord) async throws {
        try await execute("""
            INSERT INTO subscriptions (id, customer_id, status, currency, mrr, snapshot, cancellation_reason, canceled_at, last_event_at)
            VALUES (\(subscription.id), \(subscription.customerID), \(subscription.status.rawValue), \(subscription.currency),
                    \(subscription.mrr), \(try PostgresJSON.encode(subscription.snapshot))::jsonb,
                    \(subscription.cancellationReason?.rawValue), \(subscription.canceledAt), \(subscription.lastEventAt))
            ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, status = EXCLUDED.status,
                currency = EXCLUDED.currency, mrr = EXCLUDED.mrr, snapshot = EXCLUDED.snapshot,
                cancellation_reason = EXCLUDED.cancellation_reason, canceled_at = EXCLUDED.canceled_at,
                last_event_at = EXCLUDED.last_event_at
            """)
    }

    func save(_ invoice: InvoiceRecord) async throws {
        try await execute("""
            INSERT INTO invoices (id, customer_id, subscription_id, currency, amount_due, amount_paid, amount_remaining,
                                  status, attempts, due_at, paid_at, created_at, last_event_at)
            VALUES (\(invoice.id), \(invoice.customerID), \(invoice.subscriptionID), \(invoice.currency), \(invoice.amountDue),
                    \(invoice.amountPaid), \(invoice.amountRemaining), \(invoice.status.rawValue), \(invoice.attempts),
                    \(invoice.dueAt), \(invoice.paidAt), \(invoice.createdAt), \(invoice.lastEventAt))
            ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, subscription_id = EXCLUDED.subscription_id,
                currency = EXCLUDED.currency, amount_due = EXCLUDED.amount_due, amount_paid = EXCLUDED.amount_paid,
                amount_remaining = EXCLUDED.amount_remaining, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
                due_at = EXCLUDED.due_at, paid_at = EXCLUDED.paid_at, created_at = EXCLUDED.created_at,
                last_event_at = EXCLUDED.last_event_at
            """)
    }

    func save(_ failure: PaymentFailureRecord) async throws {
        try await execute("""
            INSERT INTO payment_failures (id, customer_id, invoice_id, subscription_id, payment_id, amount, currency, attempt,
                                          failure_code, decline_code, advice_code, bank_reason_code, category, decided_by,
                                          is_unknown_code, next_attempt_at, occurred_at)
            VALUES (\(failure.id), \(failure.customerID), \(failure.invoiceID), \(failure.subscriptionID), \(failure.paymentID),
                    \(failure.amount), \(failure.currency), \(failure.attempt), \(failure.failureCode), \(failure.declineCode),
                    \(failure.adviceCode), \(failure.bankReasonCode), \(failure.category.rawValue), \(failure.decidedBy),
                    \(failure.isUnknownCode), \(failure.nextAttemptAt), \(failure.occurredAt))
            ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, invoice_id = EXCLUDED.invoice_id,
                subscription_id = EXCLUDED.subscription_id, payment_id = EXCLUDED.payment_id, amount = EXCLUDED.amount,
                currency = EXCLUDED.currency, attempt = EXCLUDED.attempt, failure_code = EXCLUDED.failure_code,
                decline_code = EXCLUDED.decline_code, advice_code = EXCLUDED.advice_code,
                bank_reason_code = EXCLUDED.bank_reason_code, category = EXCLUDED.category, decided_by = EXCLUDED.decided_by,
                is_unknown_code = EXCLUDED.is_unknown_code, next_attempt_at = EXCLUDED.next_attempt_at,
                occurred_at = EXCLUDED.occurred_at
            """)
    }

    func insert(_ movement: MRRMovement) async throws {
        try await execute("""
            INSERT INTO mrr_movements (customer_id, subscription_id, currency, kind, mrr_before, mrr_after, occurred_at, event_id)
            VALUES (\(movement.customerID), \(movement.subscriptionID), \(movement.currency), \(movement.kind.rawValue),
                    \(movement.mrrBefore), \(movement.mrrAfter), \(movement.occurredAt), \(movement.eventID))
            """)
    }

    func save(_ recoveryCase: RecoveryCase) async throws {
        try await execute("""
            INSERT INTO cases (id, customer_id, currency, status, category, mrr_at_risk, amount_due, stress_score, stress_reasons,
                               invoice_ids, opened_at, acting_at, recovered_at, lost_at, closed_at, attributed_action_id,
                               attributed_action_kind, updated_at)
            VALUES (\(recoveryCase.id), \(recoveryCase.customerID), \(recoveryCase.currency), \(recoveryCase.status.rawValue),
                    \(recoveryCase.category.rawValue), \(recoveryCase.mrrAtRisk), \(recoveryCase.amountDue),
                    \(recoveryCase.stressScore), \(try PostgresJSON.encode(recoveryCase.stressReasons))::jsonb,
                    \(try PostgresJSON.encode(recoveryCase.invoiceIDs))::jsonb, \(recoveryCase.openedAt), \(recoveryCase.actingAt),
                    \(recoveryCase.recoveredAt), \(recoveryCase.lostAt), \(recoveryCase.closedAt),
                    \(recoveryCase.attributedActionID), \(recoveryCase.attributedActionKind?.rawValue), \(recoveryCase.updatedAt))
            ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, currency = EXCLUDED.currency,
                status = EXCLUDED.status, category = EXCLUDED.category, mrr_at_risk = EXCLUDED.mrr_at_risk,
                amount_due = EXCLUDED.amount_due, stress_score = EXCLUDED.stress_score, stress_reasons = EXCLUDED.stress_reasons,
                invoice_ids = EXCLUDED.invoice_ids, opened_at = EXCLUDED.opened_at, acting_at = EXCLUDED.acting_at,
                recovered_at = EXCLUDED.recovered_at, lost_at = EXCLUDED.lost_at, closed_at = EXCLUDED.closed_at,
                attributed_action_id = EXCLUDED.attributed_action_id,
                attributed_action_kind = EXCLUDED.attributed_action_kind, updated_at = EXCLUDED.updated_at
            """)
    }

    /// A new outbox row; an id planned twice is an error, as in SQLite.
    func insert(_ action: RecoveryAction) async throws {
        try await execute("""
            INSERT INTO actions (id, case_id, customer_id, invoice_id, kind, target, status, parameters, reason, payload, due_at,
                                 attempts, next_attempt_at, lease_expires_at, last_error, delivered_at, created_at, updated_at)
            VALUES (\(action.id), \(action.caseID), \(action.customerID), \(action.invoiceID), \(action.kind.rawValue),
                    \(action.target), \(action.status.rawValue), \(try PostgresJSON.encode(action.parameters))::jsonb,
                    \(action.reason), \(action.payload), \(action.dueAt), \(action.attempts), \(action.nextAttemptAt),
                    \(action.leaseExpiresAt), \(action.lastError), \(action.deliveredAt), \(action.createdAt), \(action.updatedAt))
            """)
    }

    /// Writes back what the outbox changes on an action: status, tries, schedule, lease, outcome.
    func update(_ action: RecoveryAction) async throws {
        try await execute("""
            UPDATE actions SET status = \(action.status.rawValue), attempts = \(action.attempts),
                next_attempt_at = \(action.nextAttemptAt), lease_expires_at = \(action.leaseExpiresAt),
                last_error = \(action.lastError), delivered_at = \(action.deliveredAt), updated_at = \(action.updatedAt)
            WHERE id = \(action.id)
            """)
    }

    func insert(_ attempt: DeliveryAttempt) async throws {
        try await execute("""
            INSERT INTO delivery_attempts (action_id, attempt, started_at, latency_milliseconds, http_status, outcome, error)
            VALUES (\(attempt.actionID), \(attempt.attempt), \(attempt.startedAt), \(attempt.latencyMilliseconds),
                    \(attempt.httpStatus), \(attempt.outcome.rawValue), \(attempt.error))
            """)
    }

    func insert(_ entry: TimelineEntry) async throws {
        try await execute("""
            INSERT INTO timeline (case_id, at, kind, summary, reference)
            VALUES (\(entry.caseID), \(entry.at), \(entry.kind), \(entry.summary), \(entry.reference))
            """)
    }

    /// The raw delivery: bytes exactly as received, so a signature can be checked again later.
    func insertDelivery(provider: String, receivedAt: Int64, headers: [String: String], body: [UInt8]) async throws -> Int64 {
        let id = try await scalar("""
            INSERT INTO deliveries (provider, received_at, headers, body)
            VALUES (\(provider), \(receivedAt), \(try PostgresJSON.encode(headers))::jsonb, \(ByteBuffer(bytes: body)))
            RETURNING id
            """, as: Int64.self)
        return id ?? 0
    }

    /// Claims (provider, event id): false when another transaction stored it first. A concurrent
    /// claimer waits for that transaction and then sees the conflict, never an error.
    func claimEvent(
        provider: String, eventID: String, deliveryID: Int64, providerType: String, type: String?, occurredAt: Int64,
        receivedAt: Int64, normalized: BillingEvent?, notes: String?, origin: EventOrigin = .live
    ) async throws -> Bool {
        let normalizedJSON = try normalized.map { try PostgresJSON.encode($0) }
        // An event with nothing to project (an ignored type, a partner callback applied when
        // received) is logged as projected already.
        let projectedAt: Int64? = normalized == nil ? receivedAt : nil
        let claimed = try await rows("""
            INSERT INTO events (provider, event_id, delivery_id, provider_type, type, occurred_at, received_at, normalized, notes,
                                origin, projected_at)
            VALUES (\(provider), \(eventID), \(deliveryID), \(providerType), \(type), \(occurredAt), \(receivedAt),
                    \(normalizedJSON)::jsonb, \(notes), \(origin.rawValue), \(projectedAt))
            ON CONFLICT (provider, event_id) DO NOTHING
            RETURNING seq
            """)
        return !claimed.isEmpty
    }
}
