/// The current time in Unix seconds; injected so tests control it exactly.
public protocol WallClock: Sendable {
    func nowSeconds() -> Int64
}

/// A clock that always says the same time, for tests and replays of history.
public struct FixedClock: WallClock {
    public var seconds: Int64
    public init(seconds: Int64) { self.seconds = seconds }
    public func nowSeconds() -> Int64 { seconds }
}
