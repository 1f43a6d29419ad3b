import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover queues`: list job queues.
struct Queues: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List job queues, highest priority first.",
        discussion: """
            With --output json it prints AWS Batch's DescribeJobQueues response, {"jobQueues": [...]}, every queue \
            by name, exactly as `aws batch describe-job-queues` would against `drover serve --api`.
            """)
    @OptionGroup var global: GlobalOptions

    func run() throws {
        if global.output == .json { return try Printer.json(try global.call("DescribeJobQueues", listing: "jobQueues")) }
        let queues = try global.store().jobQueues()
        try Printer.table(["NAME", "PRIORITY", "STATE", "COMPUTE ENVIRONMENTS"], queues.map {
            [$0.jobQueueName, String($0.priority ?? 0), ($0.state ?? .enabled).rawValue, $0.orderedEnvironmentNames.joined(separator: " → ")]
        })
    }
}

/// `drover environments`: list compute environments.
struct Environments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environments", abstract: "List compute environments.",
        discussion: """
            With --output json it prints AWS Batch's DescribeComputeEnvironments response, \
            {"computeEnvironments": [...]}, every environment by name, exactly as \
            `aws batch describe-compute-environments` would against `drover serve --api`. Simulated instances, \
            instance-hours and their cost are in the text output.
            """)
    @OptionGroup var global: GlobalOptions

    func run() throws {
        if global.output == .json { return try Printer.json(try global.call("DescribeComputeEnvironments", listing: "computeEnvironments")) }
        let store = try global.store()
        let environments = try store.computeEnvironments()
        let usage = Dictionary(try store.instanceUsage().map { ($0.environment, $0) }, uniquingKeysWith: { $1 })
        try Printer.table(["NAME", "TYPE", "STATE", "MAX VCPUS", "INSTANCES", "INSTANCE-HOURS", "INSTANCE COST"], environments.map {
            let simulated = usage[$0.computeEnvironmentName]
            let type = $0.slurm != nil ? "SLURM" : $0.computeResources?.type ?? "EC2"
            return [$0.computeEnvironmentName, type, ($0.state ?? .enabled).rawValue, String(Int($0.maxvCpus)),
                    simulated.map { "\($0.instances) (\($0.interrupted) reclaimed, \($0.live) up)" } ?? ($0.isSimulated ? "0" : $0.slurm.map(Self.nodes) ?? "local"),
                    simulated.map { String(format: "%.3f", $0.instanceHours) } ?? "-", simulated.map { CostReport.dollars($0.cost) } ?? "-"]
        })
    }

    /// A Slurm partition's nodes as `sinfo` (or the environment's slurmrestd) sees them now: `partition spot: 3 nodes, 2 up (h2 down*)`.
    static func nodes(_ slurm: SlurmSettings) -> String {
        switch SlurmPartitionNodes.query(slurm) {
        case .success(let nodes): "partition \(slurm.partition): \(nodes.summary)"
        case .failure(let error): "partition \(slurm.partition): unknown (\(error.message))"
        }
    }
}

/// `drover definitions`: list job definition revisions.
struct Definitions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List active job definition revisions.",
        discussion: """
            With --output json it prints AWS Batch's DescribeJobDefinitions response for the ACTIVE revisions, \
            {"jobDefinitions": [...]}, by name then revision, exactly as \
            `aws batch describe-job-definitions --status ACTIVE` would against `drover serve --api`.
            """)
    @OptionGroup var global: GlobalOptions

    func run() throws {
        if global.output == .json {
            return try Printer.json(try global.call("DescribeJobDefinitions", listing: "jobDefinitions", .object(["status": .string("ACTIVE")])))
        }
        let definitions = try global.store().jobDefinitions()
        try Printer.table(["DEFINITION", "COMMAND", "RETRY", "TIMEOUT"], definitions.map { item in
            [item.ref, (item.definition.containerProperties?.command ?? []).joined(separator: " "),
             String(item.definition.retryStrategy?.attempts ?? 1), item.definition.timeout?.attemptDurationSeconds.map { "\($0)s" } ?? "-"]
        })
    }
}
