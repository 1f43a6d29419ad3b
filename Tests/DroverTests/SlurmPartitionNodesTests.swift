@testable import DroverEngine
import Testing

/// A partition's nodes as `drover environments` shows them (``SlurmPartitionNodes``), from `sinfo -h -N -o '%N %t'`.
struct SlurmPartitionNodesTests {
    /// sinfo's short node states (`%t`) with their suffixes: `*` not responding, `~` powered off, `#` powering up,
    /// `!` powering down, `%` powering off, `$` maintenance reservation, `@` reboot pending, `^` rebooting, `-` planned.
    @Test(arguments: [
        ("idle", true), ("mix", true), ("alloc", true), ("comp", true), ("resv", true),
        ("down", false), ("down*", false), ("idle*", false), ("alloc*", false), ("drain", false), ("drng", false), ("drain*", false),
        ("fail", false), ("failg", false), ("unk", false), ("unk*", false), ("boot", false), ("maint", false), ("futr", false),
        ("inval", false), ("npc", false), ("plnd", false), ("pow_dn", false), ("pow_up", false), ("idle~", false), ("idle#", false),
        ("idle!", false), ("idle%", false), ("idle$", false), ("mix@", false), ("idle^", false), ("mix-", false),
    ])
    func isUp(_ state: String, _ up: Bool) {
        #expect(SlurmPartitionNodes.isUp(state) == up, "\(state)")
    }

    /// Captured on this machine with host h2's link cut (`scripts/slurm-cluster cut h2`), a node in two partitions listed once.
    @Test func parseAndSummary() {
        let nodes = SlurmPartitionNodes.parse("h1 idle\nh2 down*\nh3 mix\nh1 idle\n")
        #expect(nodes.nodes.map(\.name) == ["h1", "h2", "h3"])
        #expect(nodes.up == ["h1", "h3"])
        #expect(nodes.summary == "3 nodes, 2 up (h2 down*)")
        #expect(SlurmPartitionNodes.parse("h1 idle\n").summary == "1 node, 1 up")
        #expect(SlurmPartitionNodes.parse("h1 drain\nh2 down*\n").summary == "2 nodes, 0 up (h1 drain, h2 down*)")
    }

    @Test(arguments: ["", "\n\n", "h1\n", "   \n"])
    func linesWithoutAStateAreSkipped(_ text: String) {
        #expect(SlurmPartitionNodes.parse(text).nodes.isEmpty)
        #expect(SlurmPartitionNodes.parse(text).summary == "no nodes: sinfo does not know the partition")
    }

    @Test func extraSpacesAndFieldsAreTolerated() {
        let nodes = SlurmPartitionNodes.parse("  h1   idle  extra\nh2 alloc\r\n")
        #expect(nodes == SlurmPartitionNodes(nodes: [("h1", "idle"), ("h2", "alloc")]))
    }
}
