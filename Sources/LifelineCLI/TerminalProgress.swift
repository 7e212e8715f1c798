import Foundation

/// A one-line progress counter on standard error, drawn only when standard error is a terminal.
public struct TerminalProgress {
    public let total: Int
    public let enabled: Bool
    private var shownPercent = -1
    private var visible = false

    /// - Parameter enabled: false (e.g. `--quiet`) draws nothing even on a terminal.
    public init(total: Int, enabled: Bool = true) {
        self.total = total
        self.enabled = enabled && isatty(STDERR_FILENO) == 1 && total > 0
    }

    /// Redraws `[done/total] percent label` when the percentage moved.
    public mutating func update(_ done: Int, _ label: String = "") {
        guard enabled else { return }
        let percent = done * 100 / total
        guard percent != shownPercent || !visible else { return }
        shownPercent = percent
        visible = true
        Self.write("\r\u{1B}[K[\(done)/\(total)] \(percent)% \(label)")
    }

    /// Erases the line, before something else is printed or at the end.
    public mutating func clear() {
        guard enabled, visible else { return }
        visible = false
        shownPercent = -1
        Self.write("\r\u{1B}[K")
    }

    public static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
