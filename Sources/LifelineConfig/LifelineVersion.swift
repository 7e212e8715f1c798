/// The version `lifeline --version` prints.
public enum LifelineVersion {
    /// Semantic version of this build of Lifeline.
    public static let current = "0.5.0"
}
