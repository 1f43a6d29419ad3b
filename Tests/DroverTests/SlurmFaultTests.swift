import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Testing

/// The Slurm backend against what goes wrong on a real cluster (`scripts/slurm-cluster`, three hosts of two CPUs): a
/// controller that stops answering when the engine starts or mid-run, a partition that does not exist, hostile values
/// on their way to sbatch, terminates racing submissions, pending lists squeue shortens, 300 children, an engine
/// restarted again and again. Nothing may be misreported, run twice, or left running on the cluster.
@Suite(.serialized) struct SlurmFaultTests {
    /// A definition whose tasks each append `INDEX ATTEMPT` to `out/INDEX` after `seconds`, then run `then`.
    static func recorder(_ name: String, seconds: Double, then: String = "true", extra: String = "") -> String {
        """
          - jobDefinitionName: \(name)
            type: container
        \(extra)    containerProperties:
              image: busybox
              command: ["sh", "-c", "sleep \(seconds); echo \\"$AWS_BATCH_JOB_ARRAY_INDEX $AWS_BATCH_JOB_ATTEMPT\\" >> out/${AWS_BATCH_JOB_ARRAY_INDEX:-single}; \(then)"]
              resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "64"}]

        """
    }

    /// A sandbox with environment `hpc` (partition `spot`, 6 vCPUs) behind queue `default`, and `definitions`.
    static func sandbox(_ definitions: String, cluster: SlurmCluster, resources: String = slurmEnvironment()) throws -> Sandbox {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let file = try sandbox.write("env.yaml", resources + "jobDefinitions:\n" + definitions)
        let result = try sandbox.drover(["apply", file], environment: cluster.environment)
        #expect(result.status == 0, "apply: \(result.stderr)")
        return sandbox
    }

    /// A sandbox with `definition` (named `name`), an engine serving it, and an array of `size` children of it
    /// submitted; with `running`, once that many children run.
    static func started(_ definition: String, name: String, size: Int, running: Int? = nil,
                        cluster: SlurmCluster) throws -> (sandbox: Sandbox, store: Store, id: String) {
        let sandbox = try Self.sandbox(definition, cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let id = try sandbox.submit("-q", "default", "-d", name, "--array-size", "\(size)")
        let store = try sandbox.store()
        if let running {
            try eventually(within: 60, "\(running) children to run") { (try store.childSummary(id).counts[.running] ?? 0) == running }
        }
        return (sandbox, store, id)
    }

    /// The lines each task wrote in `out/`, by file name (the index, or `single`).
    static func work(_ sandbox: Sandbox) throws -> [String: [String]] {
        let folder = sandbox.root.appendingPathComponent("out")
        var result: [String: [String]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            result[name] = text.split(separator: "\n").map(String.init)
        }
        return result
    }

    /// The attempts of `id`'s children (or of `id` itself) that have ended.
    static func endedAttempts(_ store: Store, _ id: String, size: Int?) throws -> [String: [AttemptRecord]] {
        var ended: [String: [AttemptRecord]] = [:]
        for child in size.map({ (0..<$0).map { "\(id):\($0)" } }) ?? [id] {
            let attempts = try store.attempts(child).filter { $0.stoppedAt != nil }
            if !attempts.isEmpty { ended[child] = attempts }
        }
        return ended
    }

    /// How many times the engines of `sandbox` logged `text`.
    static func logged(_ sandbox: Sandbox, _ text: String) -> Int {
        sandbox.serveLog.components(separatedBy: text).count - 1
    }

    // MARK: - A controller that does not answer

    /// An engine starting while the controller does not answer (squeue then exits 0 with an error report and no jobs)
    /// must not take the cluster for empty and record its running attempts as lost: it asks again, then refuses to
    /// start, saying why. Once the controller answers, the next engine adopts the attempts and records their real end.
    @Test func anUnansweringControllerWhenTheEngineStartsIsNotAnEmptyCluster() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Self.sandbox(Self.recorder("steady", seconds: 20), cluster: cluster)
        let first = try sandbox.serve(environment: cluster.environment)
        let id = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "3")
        let store = try sandbox.store()
        try eventually(within: 60, "three children to run") { (try store.childSummary(id).counts[.running] ?? 0) == 3 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()

        let controller = try cluster.controllerPid()
        kill(controller, SIGSTOP)
        defer { kill(controller, SIGCONT) }
        let second = try sandbox.serve(environment: cluster.environment)
        try eventually(within: 60, "the engine to say it cannot list the cluster's jobs, or to record the attempts") {
            try Self.logged(sandbox, "cannot list the Slurm cluster's jobs") > 0 || !Self.endedAttempts(store, id, size: 3).isEmpty
        }
        let misreported = try Self.endedAttempts(store, id, size: 3)
        try #require(misreported.isEmpty, "attempts recorded as ended while the controller did not answer: \(misreported)")
        // Still no answer after its minute of asking: the engine stops, saying why, and has recorded nothing.
        try eventually(within: 180, "the engine to give up") { !second.isRunning }
        #expect(second.terminationStatus != 0)
        #expect(sandbox.serveLog.contains("cannot reach the Slurm cluster"), "\(sandbox.serveLog.suffix(2000))")
        #expect(try Self.endedAttempts(store, id, size: 3).isEmpty)

        kill(controller, SIGCONT)
        try sandbox.serve(environment: cluster.environment)
        try eventually(within: 90, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        let work = try Self.work(sandbox)
        #expect(work == ["0": ["0 1"], "1": ["1 1"], "2": ["2 1"]], "\(work)")
    }

    /// squeue failing for a while mid-run (the controller stopped for longer than three looks at it) misreports
    /// nothing: the engine says it cannot read the cluster, and records each attempt's real end once it can.
    @Test func squeueFailingMidRunMisreportsNothing() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let (sandbox, store, id) = try Self.started(Self.recorder("steady", seconds: 30), name: "steady", size: 4, running: 4, cluster: cluster)

        let controller = try cluster.controllerPid()
        let warnings = Self.logged(sandbox, "cannot read the Slurm cluster's jobs")
        kill(controller, SIGSTOP)
        defer { kill(controller, SIGCONT) }
        // Each look now takes squeue's 5 s to fail; three failed looks are more than the executor waits for a task
        // it cannot find.
        try eventually(within: 90, "three failed looks at squeue, or the attempts recorded") {
            try Self.logged(sandbox, "cannot read the Slurm cluster's jobs") >= warnings + 3 || !Self.endedAttempts(store, id, size: 4).isEmpty
        }
        let misreported = try Self.endedAttempts(store, id, size: 4)
        kill(controller, SIGCONT)
        #expect(misreported.isEmpty, "attempts recorded as ended while squeue failed: \(misreported)")

        try eventually(within: 90, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        for index in 0..<4 {
            let attempts = try store.attempts("\(id):\(index)")
            #expect(attempts.count == 1 && attempts.first?.exitCode == 0, "child \(index): \(attempts)")
        }
        #expect(try Self.work(sandbox) == ["0": ["0 1"], "1": ["1 1"], "2": ["2 1"], "3": ["3 1"]])
    }

    /// An sbatch that times out because the controller does not answer may still have been accepted (the controller
    /// reads the request once it answers again): the attempt must not be submitted a second time, and its work must
    /// be done once.
    @Test func anSbatchThatTimedOutIsNotSubmittedTwice() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Self.sandbox(Self.recorder("once", seconds: 1), cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let store = try sandbox.store()
        let controller = try cluster.controllerPid()
        kill(controller, SIGSTOP)
        defer { kill(controller, SIGCONT) }
        let id = try sandbox.submit("-q", "default", "-d", "once")
        try eventually(within: 60, "sbatch to time out") { sandbox.serveLog.contains("cannot submit \(id) to Slurm") }
        kill(controller, SIGCONT)
        try eventually(within: 60, "the job to end") { try store.job(id)?.status.isTerminal == true }
        try eventually(within: 60, "Slurm to have nothing of the job left to run") {
            try cluster.droverTasks().allSatisfy { !["RUNNING", "PENDING", "COMPLETING", "CONFIGURING"].contains($0.state) }
        }
        #expect(try store.job(id)?.status == .succeeded)
        let submissions = try cluster.droverTasks().filter { $0.comment.contains(":\(id):1:") }
        #expect(submissions.count == 1, "attempt 1 went to Slurm \(submissions.count) times: \(submissions.map(\.arrayJob))")
        let work = try Self.work(sandbox)
        #expect(work == ["single": [" 1"]], "the work was done \(work["single"]?.count ?? 0) times")
    }

    /// The comment that lets an engine find its tasks names the state directory: the same directory reached through a
    /// symbolic link (or from a shell whose working directory is one) must find them again.
    @Test func aStateDirectoryReachedThroughASymbolicLinkFindsItsTasks() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Self.sandbox(Self.recorder("steady", seconds: 10), cluster: cluster)
        let link = sandbox.root.deletingLastPathComponent().appendingPathComponent("drover-link-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: sandbox.root)
        defer { try? FileManager.default.removeItem(at: link) }
        let id = try sandbox.submit("-q", "default", "-d", "steady", "--array-size", "2")
        let store = try sandbox.store()
        let first = try Self.serve(stateDirectory: link.appendingPathComponent("state"), sandbox: sandbox, environment: cluster.environment)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        try eventually(within: 60, "both children to run") { (try store.childSummary(id).counts[.running] ?? 0) == 2 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        try sandbox.serve(environment: cluster.environment)
        try eventually(within: 60, "the array to end") { try store.job(id)?.status.isTerminal == true }
        let reasons = try store.attempts("\(id):0").map { $0.statusReason ?? "" }
        #expect(try store.job(id)?.status == .succeeded, "\(reasons)")
        try eventually(within: 60, "Slurm to have nothing of the job left to run") {
            try cluster.droverTasks().allSatisfy { !["RUNNING", "PENDING", "COMPLETING"].contains($0.state) }
        }
        #expect(try Self.work(sandbox) == ["0": ["0 1"], "1": ["1 1"]])
    }

    /// `drover serve --state-dir DIRECTORY` in `sandbox`'s folder, its standard error appended to the sandbox's serve log.
    static func serve(stateDirectory: URL, sandbox: Sandbox, environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sandbox.binary)
        process.arguments = ["serve", "--state-dir", stateDirectory.path, "--poll-interval", "0.05"]
        process.currentDirectoryURL = sandbox.root
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "DROVER_STATE_DIR" }.merging(environment) { $1 }
        if !FileManager.default.fileExists(atPath: sandbox.serveLogURL.path) {
            #expect(FileManager.default.createFile(atPath: sandbox.serveLogURL.path, contents: nil))
        }
        let log = try FileHandle(forWritingTo: sandbox.serveLogURL)
        log.seekToEndOfFile()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try eventually(within: 30, "drover serve to take the engine lock") { EngineLock.isHeld(directory: stateDirectory) || !process.isRunning }
        return process
    }

    // MARK: - What squeue shortens

    /// squeue cuts an array's list of pending tasks at 64 characters (`SLURM_BITSTR_LEN`, ending it in `...`): tasks
    /// past the cut are still pending, not gone. Holes cut in a 60-child array by terminating pending children make the
    /// list irregular (`6,9,11-12,14-16,...`, 84 characters).
    @Test func pendingTasksPastTheCutOfSqueuesListAreNotGone() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let (sandbox, store, id) = try Self.started(Self.recorder("long", seconds: 300), name: "long", size: 60, running: 6, cluster: cluster)
        defer { withExtendedLifetime(sandbox) {} }
        let holes = [7, 8, 10, 13, 17, 18, 20, 23, 24, 27, 29, 33, 34, 37, 39, 41, 44, 45, 48, 50, 53, 56, 57]
        for index in holes { _ = try store.terminate("\(id):\(index)", reason: "hole") }
        try eventually(within: 60, "the holes to end") { try holes.allSatisfy { try store.job("\(id):\($0)")?.status == .failed } }
        // One more pending child taken out last: once it has ended, the executor has looked at squeue often enough to
        // have given up on any task it could not find.
        _ = try store.terminate("\(id):58", reason: "sentinel")
        try eventually(within: 60, "the sentinel to end") { try store.job("\(id):58")?.status == .failed }

        let untouched = (0..<60).filter { !holes.contains($0) && $0 != 58 }
        let ended = try untouched.filter { try store.job("\(id):\($0)")?.status.isTerminal == true }
        let reasons = try ended.map { try store.attempts("\(id):\($0)").last?.statusReason ?? "" }
        #expect(ended.isEmpty, "children that still wait in Slurm recorded as ended: \(ended), \(reasons)")

        // And nothing is left on the cluster once the array is terminated.
        _ = try store.terminate(id, reason: "done")
        try eventually(within: 60, "the array to end") { try store.job(id)?.status.isTerminal == true }
        try eventually(within: 60, "no task of the array to be left in Slurm") {
            try cluster.droverTasks().allSatisfy { !["RUNNING", "PENDING", "COMPLETING"].contains($0.state) }
        }
        #expect(try cluster.droverTasks().filter { ["RUNNING", "PENDING"].contains($0.state) }.map(\.index) == [])
    }

    // MARK: - Bad settings and hostile values

    /// A partition that does not exist: each job fails promptly with a CannotStartContainerError that names the
    /// partition, is not retried beyond its attempts, and a job of the same run on a good partition is not held up.
    @Test func aPartitionThatDoesNotExistFailsItsJobsNamingIt() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let file = try sandbox.write("run.yaml", """
            computeEnvironments:
              - {computeEnvironmentName: hpc, type: UNMANAGED, unmanagedvCpus: 6, slurm: {partition: spot}}
              - {computeEnvironmentName: nowhere, type: UNMANAGED, unmanagedvCpus: 4, slurm: {partition: gpu-nosuch}}
            jobQueues:
              - {jobQueueName: default, priority: 10, computeEnvironmentOrder: [{order: 1, computeEnvironment: hpc}]}
              - {jobQueueName: lost, priority: 10, computeEnvironmentOrder: [{order: 1, computeEnvironment: nowhere}]}
            jobDefinitions:
            \(Self.recorder("work", seconds: 0, extra: "    retryStrategy: {attempts: 3}\n"))
            jobs:
              - {jobName: stranded, jobQueue: lost, jobDefinition: work, arrayProperties: {size: 4}}
              - {jobName: alone, jobQueue: lost, jobDefinition: work}
              - {jobName: fine, jobQueue: default, jobDefinition: work, arrayProperties: {size: 2}}
            """)
        let started = Date()
        let result = try sandbox.drover(["run", file, "--output", "json"], environment: cluster.environment)
        #expect(Date().timeIntervalSince(started) < 60, "the run took \(Date().timeIntervalSince(started)) s")
        #expect(result.status == 1, "\(result.stderr)")
        let store = try sandbox.store()
        let jobs = try store.jobs(JobFilter(all: true)).filter { $0.parentId == nil }
        for job in jobs where job.jobQueue == "lost" {
            let children = job.jobName == "stranded" ? (0..<4).map { "\(job.jobId):\($0)" } : [job.jobId]
            for child in children {
                let record = try #require(try store.job(child))
                #expect(record.status == .failed && record.statusReason == "Task failed to start", "\(record)")
                #expect(record.containerReason?.hasPrefix("CannotStartContainerError: ") == true, "\(record)")
                #expect(record.containerReason?.contains("gpu-nosuch") == true, "the reason names the partition: \(record)")
                #expect(record.attempts == 3, "retried as its retryStrategy says, no more: \(record.attempts)")
            }
        }
        let fine = try #require(jobs.first { $0.jobName == "fine" })
        #expect(fine.status == .succeeded)
        #expect(try Self.work(sandbox) == ["0": ["0 1"], "1": ["1 1"]])
    }

    /// Quotes, command substitutions, backticks and newlines in parameters, command arguments and variable values
    /// reach the task as they are: nothing is run that the job did not run.
    @Test func hostileValuesReachTheTaskUnchanged() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Sandbox()
        let file = try sandbox.write("run.yaml", slurmEnvironment() + #"""
            jobDefinitions:
              - jobDefinitionName: hostile
                type: container
                parameters: {word: "$(touch injected-param) `touch injected-bt` it's \"q\"\nnext; touch injected-semicolon"}
                containerProperties:
                  image: busybox
                  command: ["sh", "-c", "printf 'ARG<%s>\\n' \"$1\" \"$2\"; printf 'ENV<%s>\\n' \"$HOSTILE\"", "sh", "Ref::word", "'; touch injected-arg; '"]
                  environment:
                    - {name: HOSTILE, value: "'; touch injected-env; echo '$(touch injected-env2)\n--array=0-9 \\ \"$HOME\""}
            jobs:
              - {jobName: hostile-job_1, jobQueue: default, jobDefinition: hostile, arrayProperties: {size: 2}}
            """#)
        let result = try sandbox.drover(["run", file], environment: cluster.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let store = try sandbox.store()
        let job = try #require(try store.jobs(JobFilter(all: true)).first { $0.parentId == nil })
        let log = try String(contentsOfFile: try sandbox.store().logPath(ofJob: "\(job.jobId):1", attempt: 1), encoding: .utf8)
        #expect(log == """
            ARG<$(touch injected-param) `touch injected-bt` it's "q"
            next; touch injected-semicolon>
            ARG<'; touch injected-arg; '>
            ENV<'; touch injected-env; echo '$(touch injected-env2)
            --array=0-9 \\ "$HOME">

            """, "\(log)")
        let injected = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.path).filter { $0.hasPrefix("injected") }
        #expect(injected.isEmpty, "the script ran part of a value: \(injected)")
    }

    /// A variable whose name is not a shell word (Spring's `spring.profiles.active`) reaches a local job's process;
    /// on Slurm the batch script's `export` refused it, and the task died with exit 2 and an empty log.
    @Test func aVariableNamedWithDotsReachesTheTask() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Sandbox()
        let file = try sandbox.write("run.yaml", slurmEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: spring
                type: container
                containerProperties:
                  image: busybox
                  command: ["env"]
                  environment: [{name: spring.profiles.active, value: prod}]
            jobs:
              - {jobName: spring, jobQueue: default, jobDefinition: spring}
            """)
        let result = try sandbox.drover(["run", file], environment: cluster.environment)
        let store = try sandbox.store()
        let job = try #require(try store.jobs(JobFilter(all: true)).first)
        #expect(result.status == 0 && job.status == .succeeded, "\(job.status), exit \(job.exitCode.map(String.init) ?? "-")")
        let log = (try? String(contentsOfFile: store.logPath(ofJob: job.jobId, attempt: 1), encoding: .utf8)) ?? ""
        // (Read by env itself: dash, Debian's sh, drops such names from what it passes on, locally as on Slurm.)
        #expect(log.split(separator: "\n").contains("spring.profiles.active=prod"), "log: '\(log)'")
    }

    // MARK: - Races and scale

    /// A terminate that comes while the engine claims, gathers or submits the job: whatever the moment, the job ends
    /// terminated with its reason, and nothing of it is left on the cluster or runs to its end.
    @Test func aTerminateRacingTheSubmissionLeavesNothingRunning() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let sandbox = try Self.sandbox(Self.recorder("long", seconds: 60), cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let store = try sandbox.store()
        var jobs: [(id: String, size: Int?, reason: String)] = []
        for round in 0..<8 {
            let size: Int? = round.isMultiple(of: 2) ? 3 : nil
            let id = try store.submit([SubmitJobRequest(jobName: "race\(round)", jobQueue: "default", jobDefinition: "long", arraySize: size)])[0].jobId
            // A delay of 0 to 70 ms: the terminate lands before, during or after the claim and the sbatch.
            usleep(useconds_t(round * 10_000))
            _ = try store.terminate(id, reason: "race \(round)")
            jobs.append((id, size, "race \(round)"))
        }
        try eventually(within: 90, "every job to end") { try jobs.allSatisfy { try store.job($0.id)?.status.isTerminal == true } }
        for job in jobs {
            for child in job.size.map({ size in (0..<size).map { "\(job.id):\($0)" } }) ?? [job.id] {
                let record = try #require(try store.job(child))
                #expect(record.status == .failed && record.statusReason == job.reason, "\(child): \(record.status) \(record.statusReason ?? "")")
            }
        }
        try eventually(within: 60, "no task to be left in Slurm") {
            try cluster.droverTasks().allSatisfy { !["RUNNING", "PENDING", "COMPLETING"].contains($0.state) }
        }
        #expect(try Self.work(sandbox).isEmpty, "no job ran to its end")
    }

    /// 300 children go to Slurm as one `sbatch --array=0-299`, and each runs exactly once.
    @Test func threeHundredChildrenGoAsOneSbatchAndEachRunsOnce() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let (sandbox, store, id) = try Self.started(Self.recorder("quick", seconds: 0), name: "quick", size: 300, cluster: cluster)
        try eventually(within: 240, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        let work = try Self.work(sandbox)
        #expect(work.count == 300)
        #expect(work.allSatisfy { $0.value == ["\($0.key) 1"] }, "\(work.filter { $0.value != ["\($0.key) 1"] })")
        let tasks = try cluster.droverTasks()
        #expect(Set(tasks.map(\.arrayJob)).count == 1, "one sbatch, not \(Set(tasks.map(\.arrayJob)).count)")
        #expect(tasks.compactMap(\.index).sorted() == Array(0..<300))
    }

    /// An engine stopped (SIGTERM) or killed (SIGKILL) again and again while an array with retries runs: every
    /// (index, attempt) goes to Slurm once, each attempt's work is done once, and the array ends as it would have.
    @Test func anEngineRestartedAgainAndAgainSubmitsNothingTwice() throws {
        let cluster = try SlurmCluster()
        defer { withExtendedLifetime(cluster) {} }
        let retry = "    retryStrategy: {attempts: 2, evaluateOnExit: [{onExitCode: \"3\", action: RETRY}, {onExitCode: \"*\", action: EXIT}]}\n"
        let sandbox = try Self.sandbox(Self.recorder("flaky", seconds: 1, then: """
            case $AWS_BATCH_JOB_ARRAY_INDEX:$AWS_BATCH_JOB_ATTEMPT in 3:1|11:1|19:1) exit 3;; esac
            """, extra: retry), cluster: cluster)
        let id = try sandbox.submit("-q", "default", "-d", "flaky", "--array-size", "24")
        let store = try sandbox.store()
        var server = try sandbox.serve(environment: cluster.environment)
        for round in 0..<8 {
            let done = try store.childSummary(id).counts[.succeeded] ?? 0
            try eventually(within: 90, "progress in round \(round)") {
                try (store.childSummary(id).counts[.succeeded] ?? 0) >= min(24, done + 2) || store.job(id)?.status.isTerminal == true
            }
            kill(server.processIdentifier, round.isMultiple(of: 2) ? SIGKILL : SIGTERM)
            server.waitUntilExit()
            server = try sandbox.serve(environment: cluster.environment)
        }
        try eventually(within: 120, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        let work = try Self.work(sandbox)
        for index in 0..<24 {
            let expected = [3, 11, 19].contains(index) ? ["\(index) 1", "\(index) 2"] : ["\(index) 1"]
            #expect(work["\(index)"] == expected, "child \(index): \(work["\(index)"] ?? [])")
        }
        // Each (attempt, index) was submitted to Slurm once.
        var submitted: [String: Int] = [:]
        for task in try cluster.droverTasks() {
            let attempt = task.comment.split(separator: ":")[4]
            submitted["\(attempt):\(task.index.map(String.init) ?? "-")", default: 0] += 1
        }
        #expect(submitted.filter { $0.value > 1 }.isEmpty, "submitted twice: \(submitted.filter { $0.value > 1 })")
        #expect(submitted.count == 27, "\(submitted.keys.sorted())")
    }
}

extension SlurmCluster {
    /// The process id of the cluster's controller (slurmctld), from its pid file.
    func controllerPid() throws -> pid_t {
        let text = try String(contentsOfFile: "\(directory)/run/slurmctld.pid", encoding: .utf8)
        return try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
