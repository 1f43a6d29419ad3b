import DroverCore
import DroverStore
import Foundation
import Testing

/// Queue priority, FIFO, environment order, capacity limits and unplaceable jobs, with a real engine.
struct SchedulingTests {
    static let setup = """
        computeEnvironments:
          - computeEnvironmentName: small
            computeResources: {type: SPOT, maxvCpus: 1}
          - computeEnvironmentName: other
            computeResources: {type: EC2, maxvCpus: 1}
          - computeEnvironmentName: pair
            computeResources: {type: EC2, maxvCpus: 2}
        jobQueues:
          - {jobQueueName: high, priority: 100, computeEnvironmentOrder: [{order: 1, computeEnvironment: small}]}
          - {jobQueueName: low, priority: 1, computeEnvironmentOrder: [{order: 1, computeEnvironment: small}]}
          - jobQueueName: fallback
            priority: 50
            computeEnvironmentOrder: [{order: 2, computeEnvironment: other}, {order: 1, computeEnvironment: small}]
          - {jobQueueName: pair, priority: 10, computeEnvironmentOrder: [{order: 1, computeEnvironment: pair}]}
        jobDefinitions:
          - jobDefinitionName: nap
            containerProperties: {command: [sleep, "0.2"], vcpus: 1}
          - jobDefinitionName: big
            containerProperties: {command: ["true"], vcpus: 8}
          - jobDefinitionName: huge
            containerProperties: {command: ["true"], vcpus: 1, memory: 1000000000}

        """

    func finished(_ store: Store, _ ids: [String]) throws -> Bool {
        try store.statuses(ids).values.allSatisfy(\.isTerminal)
    }

    @Test func higherPriorityQueueFirstThenFifo() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.setup))
        var low: [String] = []
        var high: [String] = []
        for _ in 0..<3 { low.append(try sandbox.submit("-q", "low", "-d", "nap")) }
        for _ in 0..<3 { high.append(try sandbox.submit("-q", "high", "-d", "nap")) }
        try sandbox.serve()
        let store = try sandbox.store()
        try eventually(within: 30, "all jobs to finish") { try finished(store, low + high) }
        let started = { (ids: [String]) throws -> [Int64] in try ids.map { try #require(try store.job($0)?.startedAt) } }
        let highStarts = try started(high), lowStarts = try started(low)
        #expect(highStarts.max()! <= lowStarts.min()!, "every high-priority job starts before any low-priority one")
        #expect(highStarts == highStarts.sorted() && lowStarts == lowStarts.sorted(), "FIFO within a queue")
    }

    @Test func fallsThroughToTheNextEnvironmentAndRespectsCapacity() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.setup))
        let fallback = try sandbox.submit("-q", "fallback", "-d", "nap", "--array-size", "6")
        let pair = try sandbox.submit("-q", "pair", "-d", "nap", "--array-size", "8")
        try sandbox.serve()
        let store = try sandbox.store()
        try eventually(within: 30, "arrays to finish") { try finished(store, [fallback, pair]) }
        let children = try (0..<6).map { try #require(try store.job("\(fallback):\($0)")) }
        #expect(Set(children.compactMap(\.computeEnvironment)) == ["small", "other"])
        var intervals: [String: [(Int64, Int64)]] = [:]
        for id in (0..<6).map({ "\(fallback):\($0)" }) + (0..<8).map({ "\(pair):\($0)" }) {
            for attempt in try store.attempts(id) {
                intervals[attempt.computeEnvironment ?? "", default: []].append((try #require(attempt.startedAt), try #require(attempt.stoppedAt)))
            }
        }
        let limits = ["small": 1, "other": 1, "pair": 2]
        for (environment, spans) in intervals {
            var peak = 0
            for (start, _) in spans {
                peak = max(peak, spans.filter { $0.0 <= start && start < $0.1 }.count)
            }
            #expect(peak <= limits[environment]!, "\(environment) ran \(peak) jobs at once")
        }
        #expect(intervals["pair"].map { spans in spans.contains { a in spans.contains { b in a != b && b.0 >= a.0 && b.0 < a.1 } } } == true,
                "the 2-vCPU environment runs two jobs at once")
    }

    @Test func jobThatCanNeverFitSaysWhyAndRunsOnceApplyMakesRoom() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.setup))
        let big = try sandbox.submit("-q", "high", "-d", "big")
        let huge = try sandbox.submit("-q", "high", "-d", "huge")
        let small = try sandbox.submit("-q", "high", "-d", "nap")
        try sandbox.serve()
        let store = try sandbox.store()
        try eventually(within: 30, "the small job to run past the big one") { try store.job(small)?.status == .succeeded }
        try eventually(within: 10, "a reason for the big jobs") { try store.job(big)?.statusReason != nil && store.job(huge)?.statusReason != nil }
        let job = try #require(try store.job(big))
        #expect(job.status == .runnable)
        // AWS's codes and text: more vCPUs than maxvCpus; more memory than the machine has.
        #expect(job.statusReason?.hasPrefix("""
            MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job.
            """) == true)
        #expect(job.statusReason?.contains("8 vCPUs") == true)
        #expect(try store.job(huge)?.statusReason?.hasPrefix("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement") == true)
        let described = try sandbox.drover("describe", big)
        #expect(described.stdout.contains("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"))
        #expect(try store.runnable(queue: "high", limit: 10).isEmpty, "blocked: the scheduler no longer looks at it")

        // Fixing the environment lets it run.
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.setup.replacingOccurrences(of: "{type: SPOT, maxvCpus: 1}", with: "{type: SPOT, maxvCpus: 8}")))
        try eventually(within: 30, "the big job to run once its environment allows 8 vCPUs") { try store.job(big)?.status == .succeeded }
        #expect(try store.job(big)?.computeEnvironment == "small")
    }

    @Test func jobsWithoutEngineSayThereIsNone() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.setup))
        let id = try sandbox.submit("-q", "high", "-d", "nap")
        let listed = try sandbox.drover("jobs")
        #expect(listed.stdout.contains(id) && listed.stdout.contains("RUNNABLE"))
        #expect(listed.stderr.contains("no engine is running"))
        #expect(try sandbox.drover("describe", id).stdout.contains("no engine is running"))
    }
}
