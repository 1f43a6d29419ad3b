import DroverStore
import Foundation

/// Cost lines for `drover run` and `drover describe`.
enum CostReport {
    /// `$0.0421 (all on-demand $0.1403, saving $0.0982 = 70.0%)`.
    static func cost(_ summary: CostSummary) -> String {
        "\(dollars(summary.cost)) (all on-demand \(dollars(summary.onDemandCost)), saving \(dollars(summary.saving)) = \(percent(summary.savingFraction)))"
    }

    /// `3 interruptions, 4m 10s of 1h 2m simulated work lost (6.7%)`, or `no interruptions`.
    static func interruptions(_ summary: CostSummary) -> String {
        guard summary.interruptions > 0 else { return "no interruptions" }
        let share = summary.simulatedSeconds > 0 ? summary.lostSeconds / summary.simulatedSeconds : 0
        return "\(summary.interruptions) interruption\(summary.interruptions == 1 ? "" : "s"), "
            + "\(Printer.duration(summary.lostSeconds)) of \(Printer.duration(summary.simulatedSeconds)) simulated work lost (\(percent(share)))"
    }

    /// Dollars with enough digits for small simulated amounts.
    static func dollars(_ value: Double) -> String {
        let magnitude = abs(value)
        let digits = magnitude >= 100 ? 2 : magnitude >= 1 ? 3 : magnitude >= 0.01 ? 4 : 6
        return (value < 0 ? "-$" : "$") + String(format: "%.\(digits)f", magnitude)
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }
}
