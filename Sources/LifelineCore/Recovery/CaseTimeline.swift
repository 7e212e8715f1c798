/// One line of a case's history: events, decisions with reasons, actions, attempts, callbacks.
public struct TimelineEntry: Sendable, Hashable, Codable {
    public var caseID: String
    public var at: Int64
    /// `event`, `decision`, `action`, `attempt`, `status`, `partner`.
    public var kind: String
    public var summary: String
    /// The event id, action id … the entry is about.
    public var reference: String?

    public init(caseID: String, at: Int64, kind: String, summary: String, reference: String? = nil) {
        self.caseID = caseID
        self.at = at
        self.kind = kind
        self.summary = summary
        self.reference = reference
    }
}
