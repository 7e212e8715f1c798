import PostgresNIO

/// Schema migrations for the PostgreSQL store, mirroring SQLiteSchema table for table in
/// snake_case; one named migration per change, never edited once shipped.
enum PostgresSchema {
    struct Migration: Sendable {
        var name: String
        /// One statement each: the extended protocol runs a single statement per query.
        var statements: [PostgresQuery]
    }

    static let migrations: [Migration] = [
        Migration(name: "v1-events-and-ledger", statements: [
            """
            CREATE TABLE deliveries (
                id BIGSERIAL PRIMARY KEY,
                provider TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                headers JSONB NOT NULL,
                body BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE events (
                provider TEXT NOT NULL,
                event_id TEXT NOT NULL,
                seq BIGSERIAL NOT NULL,
                delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
                provider_type TEXT NOT NULL,
                type TEXT,
                occurred_at BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                normalized JSONB,
                notes TEXT,
                PRIMARY KEY (provider, event_id)
            )
            """,
            """
            CREATE TABLE customers (
                id TEXT PRIMARY KEY,
                email TEXT,
                name TEXT,
                metadata JSONB NOT NULL,
                segment TEXT,
                first_seen_at BIGINT NOT NULL,
                first_paid_at BIGINT,
                last_event_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                status TEXT NOT NULL,
                currency TEXT NOT NULL,
                mrr BIGINT NOT NULL,
                snapshot JSONB NOT NULL,
                cancellation_reason TEXT,
                canceled_at BIGINT,
                last_event_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX subscriptions_customer ON subscriptions (customer_id, currency)",
            """
            CREATE TABLE invoices (
                id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                subscription_id TEXT,
                currency TEXT NOT NULL,
                amount_due BIGINT NOT NULL,
                amount_paid BIGINT NOT NULL,
                amount_remaining BIGINT NOT NULL,
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                due_at BIGINT,
                paid_at BIGINT,
                created_at BIGINT NOT NULL,
                last_event_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX invoices_customer ON invoices (customer_id)",
            """
            CREATE TABLE payment_failures (
                id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                invoice_id TEXT,
                subscription_id TEXT,
                payment_id TEXT,
                amount BIGINT NOT NULL,
                currency TEXT NOT NULL,
                attempt BIGINT,
                failure_code TEXT,
                decline_code TEXT,
                advice_code TEXT,
                bank_reason_code TEXT,
                category TEXT NOT NULL,
                decided_by TEXT,
                is_unknown_code BOOLEAN NOT NULL,
                next_attempt_at BIGINT,
                occurred_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX payment_failures_customer ON payment_failures (customer_id)",
            "CREATE INDEX payment_failures_invoice ON payment_failures (invoice_id)",
            "CREATE INDEX payment_failures_payment ON payment_failures (payment_id)",
            """
            CREATE TABLE mrr_movements (
                id BIGSERIAL PRIMARY KEY,
                customer_id TEXT NOT NULL,
                subscription_id TEXT NOT NULL,
                currency TEXT NOT NULL,
                kind TEXT NOT NULL,
                mrr_before BIGINT NOT NULL,
                mrr_after BIGINT NOT NULL,
                occurred_at BIGINT NOT NULL,
                event_id TEXT NOT NULL
            )
            """,
            "CREATE INDEX mrr_movements_customer ON mrr_movements (customer_id, currency)",
            "CREATE INDEX mrr_movements_time ON mrr_movements (occurred_at)",
        ]),
        Migration(name: "v2-recovery", statements: [
            """
            CREATE TABLE cases (
                id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                currency TEXT NOT NULL,
                status TEXT NOT NULL,
                category TEXT NOT NULL,
                mrr_at_risk BIGINT NOT NULL,
                amount_due BIGINT NOT NULL,
                stress_score BIGINT NOT NULL,
                stress_reasons JSONB NOT NULL,
                invoice_ids JSONB NOT NULL,
                opened_at BIGINT NOT NULL,
                acting_at BIGINT,
                recovered_at BIGINT,
                lost_at BIGINT,
                closed_at BIGINT,
                attributed_action_id TEXT,
                attributed_action_kind TEXT,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX cases_customer ON cases (customer_id)",
            "CREATE INDEX cases_status ON cases (status)",
            // payload is TEXT, not JSONB: every retry must send exactly the bytes planned.
            """
            CREATE TABLE actions (
                id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                invoice_id TEXT,
                kind TEXT NOT NULL,
                target TEXT,
                status TEXT NOT NULL,
                parameters JSONB NOT NULL,
                reason TEXT NOT NULL,
                payload TEXT NOT NULL,
                due_at BIGINT NOT NULL,
                attempts BIGINT NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                lease_expires_at BIGINT,
                last_error TEXT,
                delivered_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX actions_case ON actions (case_id)",
            "CREATE INDEX actions_due ON actions (status, next_attempt_at)",
            """
            CREATE TABLE delivery_attempts (
                id BIGSERIAL PRIMARY KEY,
                action_id TEXT NOT NULL,
                attempt BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                latency_milliseconds BIGINT NOT NULL,
                http_status BIGINT,
                outcome TEXT NOT NULL,
                error TEXT
            )
            """,
            "CREATE INDEX delivery_attempts_action ON delivery_attempts (action_id)",
            """
            CREATE TABLE timeline (
                id BIGSERIAL PRIMARY KEY,
                case_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                summary TEXT NOT NULL,
                reference TEXT
            )
            """,
            "CREATE INDEX timeline_case ON timeline (case_id)",
        ]),
        Migration(name: "v3-outbox-claim-indexes", statements: [
            // The claim's two reads, each in its own order; `actions_due` served neither well.
            #"CREATE INDEX actions_pending_due ON actions (next_attempt_at, id COLLATE "C") WHERE status = 'pending'"#,
            "CREATE INDEX actions_leased ON actions (lease_expires_at) WHERE status = 'leased'",
            "DROP INDEX actions_due",
        ]),
        Migration(name: "v4-event-log", statements: [
            // Every event logged before this was applied when it was stored.
            "ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT 'live', ADD COLUMN projected_at BIGINT",
            "UPDATE events SET projected_at = received_at",
            "CREATE UNIQUE INDEX events_seq ON events (seq)",
            // The projector's queue: only the events still to apply, in log order.
            "CREATE INDEX events_unprojected ON events (seq) WHERE projected_at IS NULL",
            """
            CREATE TABLE projection_failures (
                seq BIGINT PRIMARY KEY,
                provider TEXT NOT NULL,
                event_id TEXT NOT NULL,
                error TEXT NOT NULL,
                failed_at BIGINT NOT NULL,
                attempts BIGINT NOT NULL,
                resolved_at BIGINT
            )
            """,
        ]),
        Migration(name: "v5-serving-instances", statements: [
            // Which `serve` processes use the database: an offline rebuild refuses to run beside one.
            """
            CREATE TABLE serving_instances (
                id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                heartbeat_at BIGINT NOT NULL
            )
            """,
        ]),
        Migration(name: "v6-raw-retention-and-erasure", statements: [
            // A delivery's raw part can be dropped (retention, erasure) while its events stay.
            "ALTER TABLE deliveries ADD COLUMN dropped_at BIGINT, ADD COLUMN drop_reason TEXT",
            "CREATE INDEX deliveries_raw_kept ON deliveries (received_at) WHERE dropped_at IS NULL",
            "CREATE INDEX events_customer ON events ((normalized->'customer'->>'id'))",
            // Who was forgotten, and when: the record an erasure request is answered from.
            "CREATE TABLE erasures (customer_id TEXT PRIMARY KEY, erased_at BIGINT NOT NULL)",
        ]),
    ]
}
