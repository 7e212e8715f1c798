/// The resolved configuration as `check-config` prints it: every secret replaced by a count.
extension LifelineConfiguration {
    /// `key: value` lines, each followed by where the value came from (`[file]`, `[environment NAME]`, `[default]`).
    public var redactedDescription: String {
        redactedEntries.map { key, value in
            "\(key): \(value)  \(sources[key]?.description ?? ConfigurationSource.default.description)"
        }.joined(separator: "\n")
    }

    /// Every key with its value as printed, secrets replaced by a count or `[redacted]`.
    public var redactedEntries: [(key: String, value: String)] {
        func secretList(_ values: [String]) -> String {
            values.isEmpty ? "(none)" : "\(values.count) secret\(values.count == 1 ? "" : "s") [redacted]"
        }
        func secret(_ value: String?) -> String { value == nil ? "(not set)" : "[redacted]" }
        let reasonCount = reasonCodes.adviceCodes.count + reasonCodes.declineCodes.count
            + reasonCodes.bankReasonCodes.count + reasonCodes.failureCodes.count
        let lease = "\(recovery.effectiveLeaseSeconds)"
            + (recovery.leaseSeconds == nil ? " (not set: the longer of 60 and request_timeout_seconds + 30)" : "")
        var entries: [(key: String, value: String)] = [
            ("http.host", http.host),
            ("http.port", "\(http.port)"),
            ("http.max_body_bytes", "\(http.maxBodyBytes)"),
            ("http.idle_timeout_seconds", "\(http.idleTimeoutSeconds)"),
            ("http.header_read_timeout_seconds", "\(http.headerReadTimeoutSeconds)"),
            ("http.body_read_timeout_seconds", "\(http.bodyReadTimeoutSeconds)"),
            ("log.level", log.level.rawValue),
            ("log.format", log.format.rawValue),
            ("storage.path", storage.url == nil ? storage.path : "\(storage.path) (unused: storage.url is set)"),
            ("storage.url", secret(storage.url)),
            ("storage.raw_retention_days", storage.rawRetentionDays == 0 ? "0 (raw bodies kept forever)" : "\(storage.rawRetentionDays)"),
            ("providers.stripe.secrets", secretList(providers.stripeSecrets)),
            ("providers.stripe.tolerance_seconds", "\(providers.stripeToleranceSeconds)"),
            ("providers.gocardless.secrets", secretList(providers.gocardlessSecrets)),
            ("providers.standard.secrets", secretList(providers.standardSecrets)),
            ("providers.standard.tolerance_seconds", "\(providers.standardToleranceSeconds)"),
            ("admin.tokens", secretList(adminTokens)),
            ("classification.reason_codes", "\(reasonCodesPath) (\(reasonCount) codes)"),
            ("dunning.url", outbound.dunningURL ?? "(not set)"),
            ("stripe.api_base", outbound.stripeAPIBase),
            ("stripe.api_key", secret(outbound.stripeAPIKey)),
            ("segments.bands", reports.bands.bands.map(\.text).joined(separator: ", ")),
            ("reports.base_currency", reports.rates.base),
            ("reports.rates", reports.rates.perMillion.isEmpty ? "(none)" : reports.rates.perMillion.keys.sorted().joined(separator: ", ")),
            ("stress.cash_flow_threshold", "\(recovery.weights.cashFlowThreshold)"),
            ("playbooks", recovery.playbook.rules.map(\.name).joined(separator: ", ")),
            ("outbox.max_attempts", "\(recovery.maxAttempts)"),
            ("outbox.backoff_base_seconds", "\(recovery.backoffBaseSeconds)"),
            ("outbox.backoff_max_seconds", "\(recovery.backoffMaxSeconds)"),
            ("outbox.request_timeout_seconds", "\(recovery.requestTimeoutSeconds)"),
            ("outbox.batch_size", "\(recovery.batchSize)"),
            ("outbox.poll_interval_ms", "\(recovery.pollIntervalMilliseconds)"),
            ("outbox.lease_seconds", lease),
            ("recovery.action_horizon_hours", "\(recovery.actionHorizonHours)"),
        ]
        for name in partners.keys.sorted() {
            entries.append(("partners.\(name).url", partners[name]!.url))
            entries.append(("partners.\(name).secret", "[redacted]"))
        }
        return entries
    }
}
