import Yams

/// Every key `lifeline.yaml` may hold, so a misspelt one is refused instead of silently ignored.
indirect enum ConfigurationSchema: Sendable {
    /// A scalar or a list of scalars.
    case value
    /// A map with exactly these keys (each optional).
    case keys([String: ConfigurationSchema])
    /// A map of free names (partners, playbook rules), each shaped like `each`; `fixed` keys are allowed beside them.
    case names(each: ConfigurationSchema, fixed: [String: ConfigurationSchema] = [:])
    /// Anything: free-form parameters (a playbook step's keys beyond `action`, `delay`, …).
    case anything

    /// The whole file.
    static let file: ConfigurationSchema = .keys([
        "http": .keys([
            "host": .value, "port": .value, "max_body_bytes": .value,
            "idle_timeout_seconds": .value, "header_read_timeout_seconds": .value, "body_read_timeout_seconds": .value,
        ]),
        "log": .keys(["level": .value, "format": .value]),
        "storage": .keys(["path": .value, "url": .value, "raw_retention_days": .value]),
        "providers": .keys([
            "stripe": .keys(["secrets": .value, "tolerance_seconds": .value]),
            "gocardless": .keys(["secrets": .value]),
            "standard": .keys(["secrets": .value, "tolerance_seconds": .value]),
        ]),
        "admin": .keys(["tokens": .value]),
        "partners": .names(each: .keys(["url": .value, "secret": .value]), fixed: ["names": .value]),
        "segments": .keys(["bands": .value]),
        "reports": .keys(["base_currency": .value, "rates": .value]),
        "classification": .keys(["reason_codes": .value]),
        "dunning": .keys(["url": .value]),
        "stripe": .keys(["api_base": .value, "api_key": .value]),
        "stress": .keys(valueKeys(RecoveryConfigLoader.stressKeys, except: ["weights": .keys(valueKeys(RecoveryConfigLoader.weightKeys))])),
        "playbooks": .names(each: .keys([
            "match": .keys(valueKeys(RecoveryConfigLoader.matchKeys)),
            "steps": .names(each: .anything),
        ])),
        "outbox": .keys(valueKeys(RecoveryConfigLoader.outboxKeys)),
        "recovery": .keys(valueKeys(RecoveryConfigLoader.recoveryKeys)),
    ])

    /// Every name in `names` as a value, with `except` overriding some.
    static func valueKeys(_ names: [String], except: [String: ConfigurationSchema] = [:]) -> [String: ConfigurationSchema] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, ConfigurationSchema.value) }).merging(except) { _, new in new }
    }

    /// What a walk over a file found: keys that exist nowhere, and every dotted path present.
    struct Findings {
        var unknown: [ConfigurationLoader.UnknownKey] = []
        var present: Set<String> = []
    }

    /// Walks a YAML document, collecting unknown keys (with a suggestion) and the paths it holds.
    static func check(yaml: String) throws -> Findings {
        var findings = Findings()
        guard let root = try Yams.compose(yaml: yaml) else { return findings }
        file.check(root, path: "", into: &findings)
        return findings
    }

    func check(_ node: Node, path: String, into findings: inout Findings) {
        if !path.isEmpty { findings.present.insert(path) }
        guard let mapping = node.mapping else { return }
        func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        switch self {
        case .value, .anything:
            return
        case .keys(let allowed):
            for (key, value) in mapping {
                let name = key.scalar?.string ?? "?"
                if let schema = allowed[name] {
                    schema.check(value, path: child(name), into: &findings)
                } else {
                    findings.unknown.append(.init(key: child(name), suggestion: Suggestion.closest(to: name, among: Array(allowed.keys))))
                }
            }
        case .names(let each, let fixed):
            for (key, value) in mapping {
                let name = key.scalar?.string ?? "?"
                (fixed[name] ?? each).check(value, path: child(name), into: &findings)
            }
        }
    }
}
