import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

/// A zero-downtime move of a queue from one compute environment to another, with the CLI's commands against a
/// running `drover serve` while jobs run (the steps of docs/resources.md). The jobs record where they ran, then wait
/// for a `release` file: the move happens while they run, whatever the machine's speed.
struct EnvironmentMoveTests {
    static let setup = """
        computeEnvironments:
          - computeEnvironmentName: old
            computeResources: {type: EC2, maxvCpus: 2}
        jobQueues:
          - jobQueueName: work
            priority: 10
            computeEnvironmentOrder: [{order: 1, computeEnvironment: old}]
        jobDefinitions:
          - jobDefinitionName: step
            containerProperties:
              command: [sh, -c, 'echo "$AWS_BATCH_JOB_ID $AWS_BATCH_CE_NAME" >> runs.log; while [ ! -e release ]; do sleep 0.05; done']
              resourceRequirements: [{type: VCPU, value: "1"}]

        """

    /// `drover ARGUMENTS`, which must succeed.
    @discardableResult
    static func run(_ sandbox: Sandbox, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try sandbox.drover(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The jobs `drover jobs --compute-environment NAME -o json` lists: those running there now.
    static func runningOn(_ sandbox: Sandbox, _ environment: String) throws -> [String] {
        let listed = try Self.run(sandbox, "jobs", "--compute-environment", environment, "-o", "json")
        #expect(try ModelValidator.problems("ListJobs", listed) == "")
        let summaries = try AWSCommandLineTests.object(listed)["jobSummaryList"] as? [[String: Any]] ?? []
        return summaries.compactMap { $0["jobId"] as? String }
    }

    @Test func aQueueMovesToANewEnvironmentWithoutLosingOrRepeatingAJob() throws {
        let sandbox = try Sandbox()
        try Self.run(sandbox, "apply", try sandbox.write("setup.yaml", Self.setup))
        try sandbox.serve()
        let early = try (0..<4).map { _ in try sandbox.submit("-q", "work", "-d", "step") }
        try eventually(within: 30, "jobs to run on old") { try Self.runningOn(sandbox, "old").count >= 2 }

        // 1. The new environment, first in the queue's order; 2. the old one disabled: what runs there finishes.
        try Self.run(sandbox, "apply", try sandbox.write("new.yaml", "computeEnvironmentName: new\ncomputeResources: {type: EC2, maxvCpus: 2}\n"))
        try Self.run(sandbox, "update-job-queue", "--job-queue", "work", "--compute-environment-order",
                "order=1,computeEnvironment=new", "order=2,computeEnvironment=old")
        try Self.run(sandbox, "update-compute-environment", "--compute-environment", "old", "--state", "DISABLED")
        let stillOnOld = try sandbox.store().jobs(JobFilter(computeEnvironment: "old")).map(\.jobId)
        let late = try (0..<3).map { _ in try sandbox.submit("-q", "work", "-d", "step") }
        try eventually(within: 30, "jobs to run on new while old still runs its own") { try !Self.runningOn(sandbox, "new").isEmpty }
        #expect(try Set(Self.runningOn(sandbox, "old")) == Set(stillOnOld), "nothing new goes to the disabled environment")
        try sandbox.write("release", "")

        // 3. Wait until it runs nothing, take it out of the order, delete it.
        try eventually(within: 60, "old to run nothing") { try Self.runningOn(sandbox, "old").isEmpty }
        try Self.run(sandbox, "update-job-queue", "work", "--compute-environment-order", "order=1,computeEnvironment=new")
        #expect(try Self.run(sandbox, "delete-compute-environment", "old") == "deleted compute environment old\n")

        let all = early + late
        try eventually(within: 60, "every job to finish") { try all.allSatisfy { try sandbox.store().job($0)?.status.isTerminal == true } }
        let store = try sandbox.store()
        for id in all {
            let job = try #require(try store.job(id))
            #expect(job.status == .succeeded && job.attempts == 1, "\(job)")
        }
        for id in late { #expect(try store.job(id)?.computeEnvironment == "new", "jobs submitted after the switch start on the new environment") }
        for id in stillOnOld { #expect(try store.job(id)?.computeEnvironment == "old", "jobs running at the switch finish where they were") }
        #expect(stillOnOld.count >= 2)

        let runs = try String(contentsOf: sandbox.root.appendingPathComponent("runs.log"), encoding: .utf8).split(separator: "\n")
        #expect(runs.count == all.count, "every job ran exactly once: \(runs)")
        #expect(Set(runs.compactMap { $0.split(separator: " ").first.map(String.init) }) == Set(all))
        for line in runs {
            let parts = line.split(separator: " ").map(String.init)
            let environment = try store.job(parts[0])?.computeEnvironment
            #expect(parts.count == 2 && environment == parts.last, "\(line)")
        }
        let environments = try AWSCommandLineTests.object(try Self.run(sandbox, "environments", "-o", "json"))["computeEnvironments"] as? [[String: Any]]
        #expect(environments?.map { $0["computeEnvironmentName"] as? String } == ["new"])
    }
}
