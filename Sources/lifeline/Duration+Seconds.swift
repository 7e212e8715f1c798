/// A duration as fractional seconds, for the benches' figures.
extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
