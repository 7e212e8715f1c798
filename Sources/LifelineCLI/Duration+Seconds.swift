/// A duration as fractional seconds, for figures printed by the commands and the benches.
extension Duration {
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
