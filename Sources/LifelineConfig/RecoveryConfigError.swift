/// Why the recovery sections of the config were refused; the description names the key.
public enum RecoveryConfigError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidYAML(String)
    /// `key` is the dotted path, e.g. `playbooks.technical-retry.steps.first-retry.action`.
    case invalid(key: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read recovery settings from \(path): \(reason)"
        case .invalidYAML(let detail): "recovery settings are not valid YAML: \(detail)"
        case .invalid(let key, let problem): "\(key): \(problem)"
        }
    }
}
