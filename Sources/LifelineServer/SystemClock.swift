import Foundation
import LifelineCore

/// The machine's wall clock.
public struct SystemClock: WallClock {
    public init() {}
    public func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
