import DroverCore
import DroverStore
import Foundation
import Testing

/// Drover queues running their jobs on a real Slurm cluster (`scripts/slurm-cluster`: munge, slurmctld and three
/// slurmd hosts in network namespaces): arrays as one `sbatch --array`, states and reasons as on AWS, retries of
/// exactly the failed indices, a host lost mid-array, cancel and terminate, an engine killed and restarted.
@Suite(.serialized) struct SlurmClusterTests {
    /// A definition whose tasks each append `INDEX ATTEMPT HOST JOBID SIZE GREETING` to `out/INDEX` after `seconds`, then
    /// run `then`; the definition's variables are `environment` (YAML).
    static func recorder(_ name: String, seconds: Double = 0, then: String = "true", extra: String = "",
                         environment: String = "[{name: GREETING, value: hello}]") -> String {
        """
          - jobDefinitionName: \(name)
            type: container
        \(extra)    containerProperties:
              image: busybox
              command: ["sh", "-c", "sleep \(seconds); echo \\"$AWS_BATCH_JOB_ARRAY_INDEX $AWS_BATCH_JOB_ATTEMPT $(hostname) $AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ARRAY_SIZE $GREETING\\" >> out/${AWS_BATCH_JOB_ARRAY_INDEX:-single}; \(then)"]
              environment: \(environment)
              resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "64"}]

        """
    }

    /// The lines each index's task wrote, by index.
    static func work(_ sandbox: Sandbox) throws -> [Int: [[String]]] {
        let folder = sandbox.root.appendingPathComponent("out")
        var result: [Int: [[String]]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            guard let index = Int(name) else { continue }
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            result[index] = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        }
        return result
    }

    static func sandbox(_ definitions: String, vcpus: Int = 6, cluster: SlurmCluster) throws -> Sandbox {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let result = try sandbox.drover(["apply", try sandbox.write("env.yaml", slurmEnvironment(vcpus: vcpus) + "jobDefinitions:\n" + definitions)],
                                        environment: cluster.environment)
        #expect(result.status == 0, "apply: \(result.stderr)")
        return sandbox
    }

    @Test func aThirtyChildArrayGoesAsOneSbatchAndSpreadsOverTheHosts() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Self.sandbox(Self.recorder("record", seconds: 0.3), cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let id = try sandbox.submit("-q", "default", "-d", "record", "--array-size", "30")
        let store = try sandbox.store()
        try eventually(within: 90, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        let work = try Self.work(sandbox)
        #expect(work.keys.sorted() == Array(0..<30))
        for (index, lines) in work {
            #expect(lines.count == 1, "child \(index) ran \(lines.count) times")
            #expect(lines.first == ["\(index)", "1", lines.first?[2] ?? "", "\(id):\(index)", "30", "hello"])
        }
        let hosts = Set(work.values.compactMap { $0.first?[2] })
        #expect(hosts == ["h1", "h2", "h3"], "tasks ran on \(hosts)")
        let tasks = try cluster.droverTasks()
        #expect(tasks.count == 30)
        #expect(Set(tasks.map(\.arrayJob)).count == 1, "one sbatch --array, not \(Set(tasks.map(\.arrayJob)).count) submissions")
        // Each attempt names its Slurm task and host.
        let child = try #require(try store.attempts("\(id):7").first)
        #expect(child.clusterJob == "\(tasks[0].arrayJob)_7")
        #expect(child.host == work[7]?.first?[2])
        let described = try sandbox.drover("describe", "\(id):7")
        #expect(described.stdout.contains("SLURM JOB") && described.stdout.contains("\(tasks[0].arrayJob)_7"))
        let environments = try sandbox.drover(["environments"], environment: cluster.environment)
        #expect(environments.stdout.contains("partition spot: 3 nodes, 3 up"), "\(environments.stdout)")
    }

    @Test func anExitCodeIsAFailedAttemptAndTheRuleRetriesExactlyTheFailedIndices() throws {
        let cluster = try SlurmCluster()
        // Indices 2, 5 and 7 fail with exit 3 on their first attempt; the rule retries exit 3 only.
        let retry = """
                retryStrategy:
                  attempts: 3
                  evaluateOnExit: [{onExitCode: "3", action: RETRY}, {onExitCode: "*", action: EXIT}]

            """
        let definitions = Self.recorder("flaky", then: """
            case $AWS_BATCH_JOB_ARRAY_INDEX:$AWS_BATCH_JOB_ATTEMPT in 2:1|5:1|7:1) exit 3;; 9:*) exit 4;; esac
            """, extra: retry) + Self.recorder("signalled", then: "kill -TERM $$")
        let sandbox = try Self.sandbox(definitions, cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let id = try sandbox.submit("-q", "default", "-d", "flaky", "--array-size", "10")
        let killed = try sandbox.submit("-q", "default", "-d", "signalled")
        let store = try sandbox.store()
        try eventually(within: 90, "the jobs to end") {
            try store.job(id)?.status.isTerminal == true && store.job(killed)?.status.isTerminal == true
        }
        // Index 9 fails for good with exit 4: the array fails, the retried ones succeed on attempt 2.
        #expect(try store.job(id)?.status == .failed)
        let nine = try #require(try store.job("\(id):9"))
        #expect(nine.status == .failed && nine.exitCode == 4 && nine.statusReason == Reasons.containerExited && nine.attempts == 1)
        for index in [2, 5, 7] {
            let child = try #require(try store.job("\(id):\(index)"))
            #expect(child.status == .succeeded && child.attempts == 2, "child \(index): \(child.status), \(child.attempts) attempts")
            let attempts = try store.attempts("\(id):\(index)")
            #expect(attempts.first?.exitCode == 3)
        }
        // The retries went to Slurm as exactly the failed indices (`sbatch --array=2,5,7`, or one submission per
        // look at squeue that saw failures), nothing else submitted twice.
        let tasks = try cluster.droverTasks().filter { $0.comment.contains(":\(id):2:") }
        #expect(tasks.compactMap(\.index).sorted() == [2, 5, 7])
        #expect(try cluster.droverTasks().filter { $0.comment.contains(":\(id):1:") }.compactMap(\.index).sorted() == Array(0..<10))
        // A signal is reported as such: AWS's 128 + signal exit code.
        let signalled = try #require(try store.job(killed))
        #expect(signalled.status == .failed && signalled.exitCode == 128 + SIGTERM, "\(signalled)")
    }

    @Test func nToNDependantsRunEachChildAfterItsPartner() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Self.sandbox(Self.recorder("first", seconds: 0.2) + """
              - jobDefinitionName: second
                type: container
                containerProperties:
                  image: busybox
                  command: ["sh", "-c", "test -s out/$AWS_BATCH_JOB_ARRAY_INDEX && echo second >> out/$AWS_BATCH_JOB_ARRAY_INDEX"]

            """, cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first", "--array-size", "8")
        let second = try sandbox.submit("-q", "default", "-d", "second", "--array-size", "8", "--depends-on", "\(first):N_TO_N")
        let store = try sandbox.store()
        try eventually(within: 90, "both arrays to end") { try store.job(second)?.status.isTerminal == true }
        #expect(try store.job(first)?.status == .succeeded)
        #expect(try store.job(second)?.status == .succeeded)
        for (index, lines) in try Self.work(sandbox) {
            #expect(lines.count == 2 && lines.last == ["second"], "child \(index): \(lines)")
        }
    }

    @Test func aTimeoutIsEnforcedToTheSecondNotToSlurmsMinute() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Self.sandbox(Self.recorder("slow", seconds: 120, extra: "    timeout: {attemptDurationSeconds: 2}\n"), cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let id = try sandbox.submit("-q", "default", "-d", "slow")
        let store = try sandbox.store()
        try eventually(within: 30, "the job to time out") { try store.job(id)?.status.isTerminal == true }
        let job = try #require(try store.job(id))
        #expect(job.status == .failed && job.statusReason == Reasons.timeout)
        let seconds = Double((job.stoppedAt ?? 0) - (job.startedAt ?? 0)) / 1000
        #expect(seconds >= 1.5 && seconds < 8, "ran \(seconds) s for a 2 s limit")
        try eventually(within: 20, "Slurm to end the task") { try cluster.droverTasks().allSatisfy { $0.state != "RUNNING" } }
    }

    @Test func cancelAndTerminateReachTheCluster() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Self.sandbox(Self.recorder("long", seconds: 300), cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        // 6 vCPUs on the cluster: 6 of the 10 children run, 4 wait in Slurm's queue.
        let id = try sandbox.submit("-q", "default", "-d", "long", "--array-size", "10")
        try Self.terminateOneRunningThenAll(id, size: 10, sandbox: sandbox, cluster: cluster)
    }

    /// With 6 of the `size` children of array `id` running: terminates one running child (it ends FAILED with the
    /// reason given and SIGTERM's exit code), then the whole array, after which nothing of it is left in Slurm and no
    /// child ran to its end.
    static func terminateOneRunningThenAll(_ id: String, size: Int, sandbox: Sandbox, cluster: SlurmCluster) throws {
        let store = try sandbox.store()
        try eventually(within: 60, "six children to run") { (try store.childSummary(id).counts[.running] ?? 0) == 6 }
        let running = try (0..<size).first { try store.job("\(id):\($0)")?.status == .running }
        let target = try #require(running)
        #expect(try sandbox.drover("terminate", "\(id):\(target)", "--reason", "enough").status == 0)
        try eventually(within: 30, "the terminated child to end") { try store.job("\(id):\(target)")?.status == .failed }
        let ended = try #require(try store.job("\(id):\(target)"))
        #expect(ended.statusReason == "enough" && ended.exitCode == 128 + SIGTERM, "\(ended)")
        #expect(try sandbox.drover("terminate", id).status == 0)
        try eventually(within: 60, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .failed)
        try eventually(within: 30, "no task of the array to be left in Slurm") {
            try cluster.droverTasks().allSatisfy { !["RUNNING", "PENDING", "COMPLETING"].contains($0.state) }
        }
        #expect(try Self.work(sandbox).isEmpty, "no child ran to its end")
    }

    @Test func anEngineKilledMidArrayReattachesAndSubmitsNothingTwice() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Self.sandbox(Self.recorder("steady", seconds: 2), cluster: cluster)
        let id = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "24")
        let store = try sandbox.store()
        var server = try sandbox.serve(environment: cluster.environment)
        for round in 0..<3 {
            let threshold = 4 + 6 * round
            try eventually(within: 90, "\(threshold) children to finish") { (try store.childSummary(id).counts[.succeeded] ?? 0) >= threshold }
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            server = try sandbox.serve(environment: cluster.environment)
        }
        try eventually(within: 120, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        let work = try Self.work(sandbox)
        #expect(work.keys.sorted() == Array(0..<24))
        for (index, lines) in work {
            #expect(lines.count == 1 && lines.first?[1] == "1", "child \(index) ran \(lines)")
        }
        // Every index went to Slurm once.
        let indices = try cluster.droverTasks().compactMap(\.index)
        #expect(indices.sorted() == Array(0..<24), "submitted \(indices.sorted())")
    }

    @Test func aHostCutMidArrayEndsItsAttemptsHostLostAndTheRulesRetryThem() throws {
        let cluster = try SlurmCluster()
        let retry = """
                retryStrategy:
                  attempts: 3
                  evaluateOnExit: [{onStatusReason: "Host EC2*", action: RETRY}, {onReason: "*", action: EXIT}]

            """
        let sandbox = try Self.sandbox(Self.recorder("work", seconds: 40, extra: retry), cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let id = try sandbox.submit("-q", "default", "-d", "work", "--array-size", "6")
        let store = try sandbox.store()
        try eventually(within: 60, "the six children to run") { (try store.childSummary(id).counts[.running] ?? 0) == 6 }
        let onH2 = try (0..<6).filter { try store.job("\(id):\($0)")?.host == "h2" }
        #expect(!onH2.isEmpty, "some children run on h2")
        try cluster.cut("h2")
        try eventually(within: 60, "the lost host's attempts to end") {
            try onH2.allSatisfy { try store.attempts("\(id):\($0)").first?.stoppedAt != nil }
        }
        let environments = try sandbox.drover(["environments"], environment: cluster.environment)
        #expect(environments.stdout.contains("3 nodes, 2 up (h2 down"), "\(environments.stdout)")
        // The host comes back: Slurm kills what was left running there, as a replaced instance would be gone.
        try cluster.restore("h2")
        for index in onH2 {
            let first = try #require(try store.attempts("\(id):\(index)").first)
            #expect(first.statusReason == "Host EC2 (instance h2) terminated.")
            #expect(first.exitCode == nil)
        }
        try eventually(within: 120, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        let work = try Self.work(sandbox)
        #expect(work.keys.sorted() == Array(0..<6))
        for (index, lines) in work {
            #expect(lines.count == 1, "child \(index)'s work was done \(lines.count) times: \(lines)")
            #expect(lines.first?[1] == (onH2.contains(index) ? "2" : "1"))
        }
    }

    @Test func theThumbnailsExampleShardsAPhotoFolderOverTheCluster() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Sandbox()
        let names = try ImageCommandTests.makePhotos(in: sandbox).filter { !$0.hasPrefix("broken") && !$0.hasPrefix("huge") }
        try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent("photos/broken.jpg"))
        try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent("photos/huge.png"))
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("jobs/recipes"), withIntermediateDirectories: true)
        for file in ["jobs/slurm-thumbnails.yaml", "jobs/recipes/web.yaml"] {
            try FileManager.default.copyItem(at: Sandbox.packageRoot.appendingPathComponent(file), to: sandbox.root.appendingPathComponent(file))
        }
        let run = try sandbox.drover(["run", "jobs/slurm-thumbnails.yaml", "--quiet", "-p", "input=photos", "-p", "output=site"],
                                     environment: cluster.environment)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        var covered: [String] = []
        for index in 0..<12 {
            covered += try ImageCommandTests.report(sandbox.root.appendingPathComponent("site/report-\(index).jsonl")).compactMap { $0["input"] as? String }
        }
        #expect(covered.sorted() == (names + ["notes.txt"]).sorted(), "every photo once, over the 12 shards")
        for name in names {
            let stem = (name as NSString).deletingPathExtension
            #expect(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("site/thumbs/\(stem)-thumb.jpg").path))
        }
        // The partition's 6 vCPUs first, the local pool's 2 next, the rest queued in Slurm: one submission.
        let tasks = try cluster.droverTasks()
        #expect(Set(tasks.map(\.arrayJob)).count == 1)
        let store = try sandbox.store()
        var filter = JobFilter()
        filter.all = true
        let parent = try #require(try store.jobs(filter).first { $0.arraySize == 12 })
        var local: [Int] = []
        for index in 0..<12 where try store.attempts("\(parent.jobId):\(index)").first?.computeEnvironment == "local" { local.append(index) }
        #expect(local.count <= 2)
        #expect((tasks.compactMap(\.index) + local).sorted() == Array(0..<12), "every shard once, on the cluster or the local pool")
    }
}
