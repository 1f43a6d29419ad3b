/// One metric Drover exports: its Prometheus name, type, labels and help line (docs/metrics.md lists the same).
public struct MetricDescription: Sendable, Equatable {
    /// Prometheus metric types Drover uses.
    public enum Kind: String, Sendable {
        /// Only goes up (from 0 when `drover serve` starts); named `..._total`.
        case counter
        /// Goes up and down.
        case gauge
        /// Observations counted into buckets, with their sum and count.
        case histogram
    }

    /// Name, `drover_` first, in base units (`_seconds`), counters ending in `_total`.
    public var name: String
    /// Counter, gauge or histogram.
    public var kind: Kind
    /// Label names, in the order they are given.
    public var labels: [String]
    /// The `# HELP` line.
    public var help: String
    /// Upper bounds of a histogram's buckets (seconds for a duration); empty for other kinds.
    public var buckets: [Double]

    /// Creates a description.
    public init(_ name: String, _ kind: Kind, labels: [String] = [], help: String, buckets: [Double] = []) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
        self.buckets = buckets
    }
}
