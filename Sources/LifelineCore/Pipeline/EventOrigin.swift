/// Where a logged event came from; only `live` and `replay` events may lead to an action.
public enum EventOrigin: String, Sendable, Codable, CaseIterable {
    /// A provider's webhook.
    case live
    /// Posted again by `lifeline replay` (history resent through the webhook path).
    case replay
    /// Loaded from history (`lifeline import`, `lifeline replay --origin import`): builds the
    /// ledger and past cases, never an action.
    case `import`
}
