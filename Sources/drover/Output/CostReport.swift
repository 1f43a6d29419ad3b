import DroverStore
import Foundation

/// Cost lines for `drover run` and `drover describe`.
enum CostReport {
    /// `$0.0421 (all on-demand $0.1403, saving $0.0982 = 70.0%)`.
    static func cost(_ summary: CostSummary) -> String { summary.costText }

    /// `3 interruptions, 4m 10s of 1h 2m simulated work lost (6.7%)`, or `no interruptions`.
    static func interruptions(_ summary: CostSummary) -> String {
        guard summary.interruptions > 0 else { return "no interruptions" }
        let share = summary.simulatedSeconds > 0 ? summary.lostSeconds / summary.simulatedSeconds : 0
        return "\(summary.interruptions) interruption\(summary.interruptions == 1 ? "" : "s"), "
            + "\(Printer.duration(summary.lostSeconds)) of \(Printer.duration(summary.simulatedSeconds)) simulated work lost (\(percent(share)))"
    }

    static func dollars(_ value: Double) -> String { CostSummary.dollars(value) }

    static func percent(_ fraction: Double) -> String { CostSummary.percent(fraction) }
}
