import Foundation

extension CostSummary {
    /// `$0.0421 (all on-demand $0.1403, saving $0.0982 = 70.0%)`, as `drover describe` and the dashboard write it.
    public var costText: String {
        "\(Self.dollars(cost)) (all on-demand \(Self.dollars(onDemandCost)), saving \(Self.dollars(saving)) = \(Self.percent(savingFraction)))"
    }

    /// Dollars with enough digits for small simulated amounts.
    public static func dollars(_ value: Double) -> String {
        let magnitude = abs(value)
        let digits = magnitude >= 100 ? 2 : magnitude >= 1 ? 3 : magnitude >= 0.01 ? 4 : 6
        return (value < 0 ? "-$" : "$") + String(format: "%.\(digits)f", magnitude)
    }

    /// A fraction as a percentage with one decimal: `70.0%`.
    public static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }
}
