import DroverCore
import Foundation

/// The nodes of a Slurm partition and whether each is up, from `sinfo` or slurmrestd (what `drover environments`
/// shows).
public struct SlurmPartitionNodes: Sendable, Equatable {
    /// Node names with their short state (`idle`, `mix`, `alloc`, `down*`, `drain`...).
    public var nodes: [(name: String, state: String)]

    /// The nodes that can run jobs: not down, drained, failed, booting or not responding (`*`).
    public var up: [String] {
        nodes.filter { Self.isUp($0.state) }.map(\.name)
    }

    /// One line: `3 nodes, 2 up (h2 down*)`, or that the partition has no nodes (its name is wrong).
    public var summary: String {
        guard !nodes.isEmpty else { return "no nodes: sinfo does not know the partition" }
        let down = nodes.filter { !Self.isUp($0.state) }.map { "\($0.name) \($0.state)" }
        return "\(nodes.count) node\(nodes.count == 1 ? "" : "s"), \(up.count) up" + (down.isEmpty ? "" : " (\(down.joined(separator: ", ")))")
    }

    /// Whether a node in `state` (sinfo's `%t`) can run jobs.
    static func isUp(_ state: String) -> Bool {
        guard !state.contains(where: { "*~#!%$@^-".contains($0) }) else { return false }
        return !["down", "drain", "drng", "drained", "fail", "failg", "unk", "boot", "maint", "futr", "inval", "npc", "plnd", "pow_dn", "pow_up"]
            .contains(where: { state.hasPrefix($0) })
    }

    /// Reads `sinfo -h -N -o '%N %t'` output (a node in several partitions is listed once).
    static func parse(_ text: String) -> SlurmPartitionNodes {
        var seen: Set<String> = []
        var nodes: [(name: String, state: String)] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 2, seen.insert(fields[0]).inserted else { continue }
            nodes.append((fields[0], fields[1]))
        }
        return SlurmPartitionNodes(nodes: nodes)
    }

    /// Asks the cluster `slurm` names about its partition: `sinfo` on PATH, or the environment's slurmrestd (with
    /// the token in `SLURM_JWT`). An error says why it could not.
    public static func query(_ slurm: SlurmSettings) -> Result<SlurmPartitionNodes, DroverError> {
        let environment = ProcessInfo.processInfo.environment
        let key = SlurmControlRegistry.key(slurm)
        if !key.isEmpty {
            return SlurmRestControl(url: key, environment: environment, user: SlurmRestControl.engineUser()).partitionNodes(slurm.partition)
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sinfo-\(getpid())").path
        mkdir(scratch, 0o700)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return SlurmCommandControl(directory: scratch, environment: environment).partitionNodes(slurm.partition)
    }

    public static func == (left: SlurmPartitionNodes, right: SlurmPartitionNodes) -> Bool {
        left.nodes.map(\.name) == right.nodes.map(\.name) && left.nodes.map(\.state) == right.nodes.map(\.state)
    }
}
