import LifelineCore
import LifelineStore
import PostgresNIO

/// Rows → records, one decoder per table; columns are the snake_case of the record's fields.
enum PostgresRecords {
    static func customer(_ row: PostgresRandomAccessRow) throws -> CustomerRecord {
        CustomerRecord(
            id: try row.value("id"), email: try row.value("email"), name: try row.value("name"),
            metadata: try row.json("metadata"), segment: try row.value("segment"),
            firstSeenAt: try row.value("first_seen_at"), firstPaidAt: try row.value("first_paid_at"),
            lastEventAt: try row.value("last_event_at")
        )
    }

    static func subscription(_ row: PostgresRandomAccessRow) throws -> SubscriptionRecord {
        SubscriptionRecord(
            id: try row.value("id"), customerID: try row.value("customer_id"), status: try row.raw("status"),
            currency: try row.value("currency"), mrr: try row.value("mrr"), snapshot: try row.json("snapshot"),
            cancellationReason: try row.optionalRaw("cancellation_reason"), canceledAt: try row.value("canceled_at"),
            lastEventAt: try row.value("last_event_at")
        )
    }

    static func invoice(_ row: PostgresRandomAccessRow) throws -> InvoiceRecord {
        InvoiceRecord(
            id: try row.value("id"), customerID: try row.value("customer_id"), subscriptionID: try row.value("subscription_id"),
            currency: try row.value("currency"), amountDue: try row.value("amount_due"), amountPaid: try row.value("amount_paid"),
            amountRemaining: try row.value("amount_remaining"), status: try row.raw("status"), attempts: try row.value("attempts"),
            dueAt: try row.value("due_at"), paidAt: try row.value("paid_at"), createdAt: try row.value("created_at"),
            lastEventAt: try row.value("last_event_at")
        )
    }

    static func failure(_ row: PostgresRandomAccessRow) throws -> PaymentFailureRecord {
        PaymentFailureRecord(
            id: try row.value("id"), customerID: try row.value("customer_id"), invoiceID: try row.value("invoice_id"),
            subscriptionID: try row.value("subscription_id"), paymentID: try row.value("payment_id"),
            amount: try row.value("amount"), currency: try row.value("currency"), attempt: try row.value("attempt"),
            failureCode: try row.value("failure_code"), declineCode: try row.value("decline_code"),
            adviceCode: try row.value("advice_code"), bankReasonCode: try row.value("bank_reason_code"),
            category: try row.raw("category"), decidedBy: try row.value("decided_by"),
            isUnknownCode: try row.value("is_unknown_code"), nextAttemptAt: try row.value("next_attempt_at"),
            occurredAt: try row.value("occurred_at")
        )
    }

    static func movement(_ row: PostgresRandomAccessRow) throws -> MRRMovement {
        MRRMovement(
            customerID: try row.value("customer_id"), subscriptionID: try row.value("subscription_id"),
            currency: try row.value("currency"), kind: try row.raw("kind"), mrrBefore: try row.value("mrr_before"),
            mrrAfter: try row.value("mrr_after"), occurredAt: try row.value("occurred_at"), eventID: try row.value("event_id")
        )
    }

    static func recoveryCase(_ row: PostgresRandomAccessRow) throws -> RecoveryCase {
        RecoveryCase(
            id: try row.value("id"), customerID: try row.value("customer_id"), currency: try row.value("currency"),
            status: try row.raw("status"), category: try row.raw("category"), mrrAtRisk: try row.value("mrr_at_risk"),
            amountDue: try row.value("amount_due"), stressScore: try row.value("stress_score"),
            stressReasons: try row.json("stress_reasons"), invoiceIDs: try row.json("invoice_ids"),
            openedAt: try row.value("opened_at"), actingAt: try row.value("acting_at"),
            recoveredAt: try row.value("recovered_at"), lostAt: try row.value("lost_at"), closedAt: try row.value("closed_at"),
            attributedActionID: try row.value("attributed_action_id"),
            attributedActionKind: try row.optionalRaw("attributed_action_kind"), updatedAt: try row.value("updated_at")
        )
    }

    static func action(_ row: PostgresRandomAccessRow) throws -> RecoveryAction {
        RecoveryAction(
            id: try row.value("id"), caseID: try row.value("case_id"), customerID: try row.value("customer_id"),
            invoiceID: try row.value("invoice_id"), kind: try row.raw("kind"), target: try row.value("target"),
            status: try row.raw("status"), parameters: try row.json("parameters"), reason: try row.value("reason"),
            payload: try row.value("payload"), dueAt: try row.value("due_at"), attempts: try row.value("attempts"),
            nextAttemptAt: try row.value("next_attempt_at"), leaseExpiresAt: try row.value("lease_expires_at"),
            lastError: try row.value("last_error"), deliveredAt: try row.value("delivered_at"),
            createdAt: try row.value("created_at"), updatedAt: try row.value("updated_at")
        )
    }

    static func attempt(_ row: PostgresRandomAccessRow) throws -> DeliveryAttempt {
        DeliveryAttempt(
            actionID: try row.value("action_id"), attempt: try row.value("attempt"), startedAt: try row.value("started_at"),
            latencyMilliseconds: try row.value("latency_milliseconds"), httpStatus: try row.value("http_status"),
            outcome: try row.raw("outcome"), error: try row.value("error")
        )
    }

    static func timeline(_ row: PostgresRandomAccessRow) throws -> TimelineEntry {
        TimelineEntry(
            caseID: try row.value("case_id"), at: try row.value("at"), kind: try row.value("kind"),
            summary: try row.value("summary"), reference: try row.value("reference")
        )
    }

    static func storedEvent(_ row: PostgresRandomAccessRow) throws -> StoredEvent {
        StoredEvent(
            seq: try row.value("seq"), origin: try row.raw("origin"), provider: try row.value("provider"), eventID: try row.value("event_id"), deliveryID: try row.value("delivery_id"),
            providerType: try row.value("provider_type"), type: try row.value("type"), occurredAt: try row.value("occurred_at"),
            receivedAt: try row.value("received_at"), normalized: try row.optionalJSON("normalized"), notes: try row.value("notes")
        )
    }
}
