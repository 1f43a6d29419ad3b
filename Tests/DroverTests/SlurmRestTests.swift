import DroverCore
import DroverStore
import Foundation
import Testing

/// Drover driving a real Slurm cluster through slurmrestd (REST API v0.0.38, `scripts/slurm-cluster up --restd`),
/// with no Slurm command on the engine's PATH and no `SLURM_CONF`: arrays, exit codes and retries of the failed
/// indices, cancel and terminate, `drover environments`, an engine killed and restarted, a bad token, and a
/// slurmrestd stopped and started again.
@Suite(.serialized) struct SlurmRestTests {
    /// ``SlurmClusterTests/recorder(_:seconds:then:extra:environment:)`` with PATH from the definition: the engine's
    /// has no Slurm command (nor anything else).
    static func recorder(_ name: String, seconds: Double = 0, then: String = "true", extra: String = "") -> String {
        SlurmClusterTests.recorder(name, seconds: seconds, then: then, extra: extra,
                                   environment: #"[{name: GREETING, value: hello}, {name: PATH, value: "/usr/bin:/bin"}]"#)
    }

    /// The engine's environment: slurmrestd's token, a PATH without the Slurm commands and a SLURM_CONF naming nothing.
    static func engine(_ cluster: SlurmCluster, token: String? = nil) -> [String: String] {
        ["SLURM_JWT": token ?? cluster.restd?.token ?? "", "PATH": "/nonexistent/drover-no-slurm", "SLURM_CONF": "/nonexistent/slurm.conf"]
    }

    static func sandbox(_ definitions: String, vcpus: Int = 6, cluster: SlurmCluster) throws -> Sandbox {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let url = try #require(cluster.restd?.url)
        let file = try sandbox.write("env.yaml", slurmEnvironment(vcpus: vcpus, extra: ", slurmrestd: \"\(url)\"") + "jobDefinitions:\n" + definitions)
        let result = try sandbox.drover(["apply", file])
        #expect(result.status == 0, "apply: \(result.stderr)")
        return sandbox
    }

    /// How many times each index of `parent`'s attempt `attempt` went to Slurm.
    static func submitted(_ cluster: SlurmCluster, _ parent: String, attempt: Int) throws -> [Int] {
        try cluster.droverTasks().filter { $0.comment.contains(":\(parent):\(attempt):") }.compactMap(\.index).sorted()
    }

    @Test func anArrayRunsThroughSlurmrestdWithItsExitCodesAndRetriesOfTheFailedIndices() throws {
        let cluster = try SlurmCluster(restd: true)
        let retry = """
                retryStrategy:
                  attempts: 3
                  evaluateOnExit: [{onExitCode: "3", action: RETRY}, {onExitCode: "*", action: EXIT}]

            """
        let sandbox = try Self.sandbox(Self.recorder("flaky", then: """
            case $AWS_BATCH_JOB_ARRAY_INDEX:$AWS_BATCH_JOB_ATTEMPT in 1:1|4:1) exit 3;; 6:*) exit 4;; esac
            """, extra: retry), cluster: cluster)
        try sandbox.serve(environment: Self.engine(cluster))
        let id = try sandbox.submit("-q", "default", "-d", "flaky", "--array-size", "8")
        let store = try sandbox.store()
        try eventually(within: 90, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .failed, "\(sandbox.serveLog.suffix(2000))")
        let six = try #require(try store.job("\(id):6"))
        #expect(six.status == .failed && six.exitCode == 4 && six.statusReason == Reasons.containerExited && six.attempts == 1)
        for index in [1, 4] {
            let child = try #require(try store.job("\(id):\(index)"))
            #expect(child.status == .succeeded && child.attempts == 2, "child \(index): \(child.status), \(child.attempts) attempts")
            let first = try #require(try store.attempts("\(id):\(index)").first)
            #expect(first.exitCode == 3 && first.statusReason == Reasons.containerExited, "\(first)")
        }
        // One submission of the whole array, then exactly the failed indices again.
        #expect(try Self.submitted(cluster, id, attempt: 1) == Array(0..<8))
        #expect(try Self.submitted(cluster, id, attempt: 2) == [1, 4])
        let work = try SlurmClusterTests.work(sandbox)
        #expect(work.keys.sorted() == Array(0..<8))
        let hosts = Set(work.values.compactMap { $0.first?[2] })
        #expect(hosts.isSubset(of: ["h1", "h2", "h3"]), "\(hosts)")
        let child = try #require(try store.attempts("\(id):2").first)
        #expect(child.clusterJob?.hasSuffix("_2") == true && child.host?.hasPrefix("h") == true, "\(child)")
        // drover environments asks slurmrestd for the partition's nodes.
        let environments = try sandbox.drover(["environments"], environment: Self.engine(cluster))
        #expect(environments.stdout.contains("partition spot: 3 nodes, 3 up"), "\(environments.stdout) \(environments.stderr)")
    }

    @Test func anNToNDependantWaitsInSlurmThroughSlurmrestd() throws {
        let cluster = try SlurmCluster(restd: true)
        let second = """
              - jobDefinitionName: second
                type: container
                containerProperties:
                  image: busybox
                  command: ["sh", "-c", "test -s out/$AWS_BATCH_JOB_ARRAY_INDEX && echo second >> out/$AWS_BATCH_JOB_ARRAY_INDEX"]
                  environment: [{name: PATH, value: "/usr/bin:/bin"}]
                  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "64"}]

            """
        let sandbox = try Self.sandbox(Self.recorder("first", seconds: 3, then: "[ $AWS_BATCH_JOB_ARRAY_INDEX != 1 ]") + second, cluster: cluster)
        try sandbox.serve(environment: Self.engine(cluster))
        let first = try sandbox.submit("-q", "default", "-d", "first", "--array-size", "4")
        let after = try sandbox.submit("-q", "default", "-d", "second", "--array-size", "4", "--depends-on", "\(first):N_TO_N")
        let store = try sandbox.store()
        try eventually(within: 60, "the dependant to wait in Slurm") { try Self.submitted(cluster, after, attempt: 1).count == 4 }
        #expect(try (0..<4).allSatisfy { try store.job("\(after):\($0)")?.status == .pending })
        try eventually(within: 90, "both arrays to end") { try store.job(after)?.status.isTerminal == true }
        let dropped = try #require(try store.job("\(after):1"))
        #expect(dropped.status == .failed && dropped.statusReason == Reasons.dependentJobFailed && dropped.attempts == 0)
        for index in [0, 2, 3] {
            #expect(try store.job("\(after):\(index)")?.status == .succeeded)
        }
        #expect(Set(try cluster.droverTasks().filter { $0.comment.contains(":\(after):") }.map(\.arrayJob)).count == 1)
    }

    @Test func cancelAndTerminateGoThroughSlurmrestd() throws {
        let cluster = try SlurmCluster(restd: true)
        let sandbox = try Self.sandbox(Self.recorder("long", seconds: 300), cluster: cluster)
        try sandbox.serve(environment: Self.engine(cluster))
        // 6 vCPUs on the cluster: 6 of the 8 children run, 2 wait in Slurm's queue.
        let id = try sandbox.submit("-q", "default", "-d", "long", "--array-size", "8")
        try SlurmClusterTests.terminateOneRunningThenAll(id, size: 8, sandbox: sandbox, cluster: cluster)
    }

    @Test func anEngineKilledMidArrayReattachesThroughSlurmrestd() throws {
        let cluster = try SlurmCluster(restd: true)
        let sandbox = try Self.sandbox(Self.recorder("steady", seconds: 1.5), cluster: cluster)
        let id = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "12")
        let store = try sandbox.store()
        var server = try sandbox.serve(environment: Self.engine(cluster))
        for round in 0..<2 {
            let threshold = 3 + 5 * round
            try eventually(within: 90, "\(threshold) children to finish") { (try store.childSummary(id).counts[.succeeded] ?? 0) >= threshold }
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            server = try sandbox.serve(environment: Self.engine(cluster))
        }
        try eventually(within: 90, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded, "\(sandbox.serveLog.suffix(2000))")
        for (index, lines) in try SlurmClusterTests.work(sandbox) {
            #expect(lines.count == 1 && lines.first?[1] == "1", "child \(index) ran \(lines)")
        }
        #expect(try Self.submitted(cluster, id, attempt: 1) == Array(0..<12))
    }

    @Test func anEngineStartingWhileSlurmrestdIsDownAsksAgainThenAdoptsItsTasks() throws {
        let cluster = try SlurmCluster(restd: true)
        let sandbox = try Self.sandbox(Self.recorder("steady", seconds: 3), cluster: cluster)
        let server = try sandbox.serve(environment: Self.engine(cluster))
        let id = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "3")
        let store = try sandbox.store()
        try eventually(within: 60, "the children to run") { (try store.childSummary(id).counts[.running] ?? 0) == 3 }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        try cluster.stopRestd()
        try sandbox.serve(environment: Self.engine(cluster))
        try eventually(within: 30, "the engine to ask again") { sandbox.serveLog.contains("cannot list the Slurm cluster's jobs") }
        try cluster.startRestd()
        try eventually(within: 90, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded, "\(sandbox.serveLog.suffix(2000))")
        for (index, lines) in try SlurmClusterTests.work(sandbox) {
            #expect(lines.count == 1 && lines.first?[1] == "1", "child \(index) ran \(lines)")
        }
        #expect(try Self.submitted(cluster, id, attempt: 1) == [0, 1, 2])
    }

    @Test func aStoppedSlurmrestdIsWaitedForAndNothingIsSubmittedTwice() throws {
        let cluster = try SlurmCluster(restd: true)
        let sandbox = try Self.sandbox(Self.recorder("steady", seconds: 2), cluster: cluster)
        try sandbox.serve(environment: Self.engine(cluster))
        let store = try sandbox.store()
        // Stopped while the tasks run: the engine waits, then sees them end.
        let first = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "3")
        try eventually(within: 60, "the children to run") { (try store.childSummary(first).counts[.running] ?? 0) == 3 }
        try cluster.stopRestd()
        try eventually(within: 30, "the engine to notice") { sandbox.serveLog.contains("cannot read the Slurm cluster's jobs") }
        // Submitted while it is stopped: looked for, never made twice.
        let second = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "3")
        try eventually(within: 30, "the submission to wait") { sandbox.serveLog.contains("cannot submit \(second) to Slurm for now") }
        #expect(try store.job(first)?.status.isTerminal == false)
        try cluster.startRestd()
        try eventually(within: 90, "both arrays to end") {
            try store.job(first)?.status.isTerminal == true && store.job(second)?.status.isTerminal == true
        }
        #expect(try store.job(first)?.status == .succeeded && store.job(second)?.status == .succeeded, "\(sandbox.serveLog.suffix(2000))")
        #expect(try Self.submitted(cluster, first, attempt: 1) == [0, 1, 2])
        // Not made while slurmrestd was down: after 15 s of answers without it, submitted once.
        let made = try cluster.droverTasks().filter { $0.comment.contains(":\(second):") }.compactMap(\.index).sorted()
        #expect(made == [0, 1, 2], "submitted \(made)")
        let lines = try SlurmClusterTests.work(sandbox)
        #expect(lines.values.allSatisfy { $0.count == 2 }, "each index ran once per array: \(lines)")
    }

    @Test func oneEngineDrivesACommandsEnvironmentAndASlurmrestdOneSideBySide() throws {
        let cluster = try SlurmCluster(restd: true)
        let url = try #require(cluster.restd?.url)
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let file = try sandbox.write("env.yaml", """
            computeEnvironments:
              - {computeEnvironmentName: hpc, type: UNMANAGED, unmanagedvCpus: 6, slurm: {partition: spot}}
              - {computeEnvironmentName: hpc-rest, type: UNMANAGED, unmanagedvCpus: 6, slurm: {partition: ondemand, slurmrestd: "\(url)"}}
            jobQueues:
              - {jobQueueName: default, priority: 10, computeEnvironmentOrder: [{order: 1, computeEnvironment: hpc}]}
              - {jobQueueName: rest, priority: 10, computeEnvironmentOrder: [{order: 1, computeEnvironment: hpc-rest}]}
            jobDefinitions:

            """ + Self.recorder("steady", seconds: 2))
        #expect(try sandbox.drover(["apply", file]).status == 0)
        // The commands on PATH for one environment, slurmrestd for the other.
        let engine = cluster.environment.merging(["SLURM_JWT": cluster.restd?.token ?? ""]) { $1 }
        let server = try sandbox.serve(environment: engine)
        let viaCommands = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "2")
        let viaRest = try sandbox.submit("-q", "rest", "-d", "steady", "--array-size", "2")
        let store = try sandbox.store()
        try eventually(within: 60, "both arrays to run") {
            try store.childSummary(viaCommands).counts[.running] == 2 && store.childSummary(viaRest).counts[.running] == 2
        }
        // Killed and started again: it asks both about the attempts it inherits.
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        try sandbox.serve(environment: engine)
        try eventually(within: 60, "both arrays to end") {
            try store.job(viaCommands)?.status.isTerminal == true && store.job(viaRest)?.status.isTerminal == true
        }
        #expect(try store.job(viaCommands)?.status == .succeeded && store.job(viaRest)?.status == .succeeded, "\(sandbox.serveLog.suffix(2000))")
        let tasks = try cluster.droverTasks().map { "\($0.comment.contains(":\(viaRest):") ? "rest" : "commands") \($0.index ?? -1)" }
        #expect(tasks.sorted() == ["commands 0", "commands 1", "rest 0", "rest 1"], "each index went to Slurm once: \(tasks)")
        let recorded = try String(contentsOf: sandbox.stateDir.appendingPathComponent("slurm/controls"), encoding: .utf8)
        #expect(Set(recorded.split(separator: "\n")) == ["commands", Substring(url)], "\(recorded)")
        let work = try SlurmClusterTests.work(sandbox)
        #expect(work[0]?.count == 2 && work[1]?.count == 2, "\(work)")
    }

    @Test func aMissingOrRefusedTokenIsAClearError() throws {
        let cluster = try SlurmCluster(restd: true)
        let sandbox = try Self.sandbox(Self.recorder("quick"), cluster: cluster)
        try sandbox.serve(environment: Self.engine(cluster, token: "not-a-token"))
        let store = try sandbox.store()
        let id = try sandbox.submit("-q", "default", "-d", "quick")
        try eventually(within: 30, "the job to fail") { try store.job(id)?.status == .failed }
        let attempt = try #require(try store.attempts(id).first)
        let reason = attempt.reason ?? ""
        #expect(reason.contains("environment hpc") && reason.contains("SLURM_JWT is not a JWT") && reason.contains("scontrol token"), "\(reason)")
        let environments = try sandbox.drover(["environments"], environment: Self.engine(cluster, token: ""))
        #expect(environments.stdout.contains("has no SLURM_JWT"), "\(environments.stdout)")
        #expect(try cluster.droverTasks().isEmpty, "nothing reached Slurm")
    }
}
