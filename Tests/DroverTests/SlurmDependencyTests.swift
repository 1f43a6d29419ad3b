import DroverCore
import DroverStore
import Foundation
import Testing

/// Dependencies between jobs on a real Slurm cluster handed to Slurm itself (`--dependency=aftercorr:`/`afterok:`,
/// `--kill-on-invalid-dep=yes`) while Drover keeps the record true: the dependant shows PENDING until Slurm starts it,
/// a partner that fails there drops it without a trace, a partner retried by Drover's rules still runs it once, a
/// cancel takes it off the cluster, and an engine killed meanwhile resolves it once.
@Suite(.serialized) struct SlurmDependencyTests {
    static let second = """
          - jobDefinitionName: second
            type: container
            containerProperties:
              image: busybox
              command: ["sh", "-c", "test -s out/${AWS_BATCH_JOB_ARRAY_INDEX:-single} && echo second >> out/${AWS_BATCH_JOB_ARRAY_INDEX:-single}"]
              resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "64"}]

        """

    /// The Slurm tasks of Drover job `id`.
    static func tasks(of id: String, _ cluster: SlurmCluster) throws -> [(arrayJob: Int, index: Int?, state: String, node: String, comment: String)] {
        try cluster.droverTasks().filter { $0.comment.contains(":\(id):") }
    }

    @Test func anNToNDependantGoesToSlurmAsOneAftercorrSubmissionAndAFailedPartnerDropsItsChild() throws {
        let cluster = try SlurmCluster()
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 3, then: "[ $AWS_BATCH_JOB_ARRAY_INDEX != 2 ]")
                                                    + Self.second, cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first", "--array-size", "6")
        let second = try sandbox.submit("-q", "default", "-d", "second", "--array-size", "6", "--depends-on", "\(first):N_TO_N")
        let store = try sandbox.store()
        // Handed over while its partners run: in Slurm, waiting there; in Drover, PENDING.
        try eventually(within: 60, "the dependant to wait in Slurm") { try Self.tasks(of: second, cluster).count == 6 }
        #expect(try store.job(first)?.status == .pending && store.childSummary(first).counts[.succeeded] == nil)
        #expect(try (0..<6).allSatisfy { try store.job("\(second):\($0)")?.status == .pending })
        try eventually(within: 90, "both arrays to end") { try store.job(second)?.status.isTerminal == true }
        #expect(try Set(Self.tasks(of: second, cluster).map(\.arrayJob)).count == 1, "one sbatch for the dependant")
        // Index 2 of the first failed: its partner never ran, is FAILED with AWS's reason, and has no attempt.
        let dropped = try #require(try store.job("\(second):2"))
        #expect(dropped.status == .failed && dropped.statusReason == Reasons.dependentJobFailed && dropped.attempts == 0)
        #expect(try store.attempts("\(second):2").isEmpty)
        for index in [0, 1, 3, 4, 5] {
            let child = try #require(try store.job("\(second):\(index)"))
            #expect(child.status == .succeeded && child.attempts == 1, "child \(index): \(child.status)")
        }
        for (index, lines) in try SlurmClusterTests.work(sandbox) {
            #expect(lines.count == (index == 2 ? 1 : 2), "child \(index): \(lines)")
        }
    }

    @Test func aPartnerRetriedByTheRulesStillRunsItsDependantOnce() throws {
        let cluster = try SlurmCluster()
        let retry = """
                retryStrategy: {attempts: 2}

            """
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 2, then: "[ $AWS_BATCH_JOB_ATTEMPT = 2 ]", extra: retry)
                                                    + Self.second, cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first")
        let second = try sandbox.submit("-q", "default", "-d", "second", "--depends-on", first)
        let store = try sandbox.store()
        try eventually(within: 90, "the dependant to end") { try store.job(second)?.status.isTerminal == true }
        #expect(try store.job(first)?.status == .succeeded && store.job(first)?.attempts == 2)
        let dependant = try #require(try store.job(second))
        #expect(dependant.status == .succeeded && dependant.attempts == 1, "\(dependant)")
        #expect(try store.attempts(second).count == 1)
        #expect(try SlurmClusterTests.work(sandbox)[-1] == nil)
        let text = try String(contentsOf: sandbox.root.appendingPathComponent("out/single"), encoding: .utf8)
        #expect(text.components(separatedBy: "second").count - 1 == 1, "the dependant ran once: \(text)")
        // It was handed to Slurm while the first attempt ran; Slurm dropped it when that attempt failed (nothing ran,
        // nothing counted), and Drover ran it once the retry succeeded.
        #expect(try Self.tasks(of: second, cluster).map(\.state).sorted() == ["CANCELLED", "COMPLETED"])
    }

    @Test func cancellingADependantHeldInSlurmTakesItOffTheCluster() throws {
        let cluster = try SlurmCluster()
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 4) + Self.second, cluster: cluster)
        try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first")
        let second = try sandbox.submit("-q", "default", "-d", "second", "--depends-on", first)
        let store = try sandbox.store()
        try eventually(within: 60, "the dependant to wait in Slurm") { try Self.tasks(of: second, cluster).contains { $0.state == "PENDING" } }
        #expect(try sandbox.drover("cancel", second, "--reason", "not needed").status == 0)
        try eventually(within: 30, "its Slurm task to be cancelled") { try Self.tasks(of: second, cluster).allSatisfy { $0.state == "CANCELLED" } }
        try eventually(within: 60, "the partner to end") { try store.job(first)?.status.isTerminal == true }
        #expect(try store.job(first)?.status == .succeeded)
        let cancelled = try #require(try store.job(second))
        #expect(cancelled.status == .failed && cancelled.statusReason == "not needed" && cancelled.attempts == 0)
        #expect(try store.attempts(second).isEmpty)
        let text = try String(contentsOf: sandbox.root.appendingPathComponent("out/single"), encoding: .utf8)
        #expect(!text.contains("second"), "the cancelled dependant never ran")
    }

    @Test func anEngineKilledWhileDependantsWaitInSlurmRunsEachOnce() throws {
        let cluster = try SlurmCluster()
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 4) + Self.second, cluster: cluster)
        var server = try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first", "--array-size", "3")
        let second = try sandbox.submit("-q", "default", "-d", "second", "--array-size", "3", "--depends-on", "\(first):N_TO_N")
        let store = try sandbox.store()
        try eventually(within: 60, "the dependant to wait in Slurm") { try Self.tasks(of: second, cluster).count == 3 }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        server = try sandbox.serve(environment: cluster.environment)
        try eventually(within: 90, "both arrays to end") { try store.job(second)?.status.isTerminal == true }
        #expect(try store.job(first)?.status == .succeeded)
        #expect(try store.job(second)?.status == .succeeded)
        for (index, lines) in try SlurmClusterTests.work(sandbox) {
            #expect(lines.count == 2 && lines.last == ["second"], "child \(index): \(lines)")
        }
        for index in 0..<3 {
            #expect(try store.attempts("\(second):\(index)").count == 1)
        }
    }

    @Test func dependantsRunOnTheClusterWhileNoEngineRunsAndAreRecordedOnRestart() throws {
        let cluster = try SlurmCluster()
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 2) + Self.second, cluster: cluster)
        var server = try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first", "--array-size", "3")
        let second = try sandbox.submit("-q", "default", "-d", "second", "--array-size", "3", "--depends-on", "\(first):N_TO_N")
        try eventually(within: 60, "the dependant to wait in Slurm") { try Self.tasks(of: second, cluster).count == 3 }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        // No engine: Slurm runs the partners, then the dependants.
        try eventually(within: 60, "Slurm to run the dependants") { try Self.tasks(of: second, cluster).allSatisfy { $0.state == "COMPLETED" } }
        server = try sandbox.serve(environment: cluster.environment)
        let store = try sandbox.store()
        try eventually(within: 60, "both arrays to be recorded") { try store.job(second)?.status.isTerminal == true }
        #expect(try store.job(first)?.status == .succeeded)
        #expect(try store.job(second)?.status == .succeeded)
        let tasks = try Self.tasks(of: second, cluster)
        for index in 0..<3 {
            let attempts = try store.attempts("\(second):\(index)")
            let task = tasks.first { $0.index == index }
            #expect(attempts.count == 1 && attempts.first?.exitCode == 0, "child \(index): \(attempts)")
            #expect(attempts.first?.host == task?.node && attempts.first?.clusterJob == task.map { "\($0.arrayJob)_\(index)" })
        }
        for (index, lines) in try SlurmClusterTests.work(sandbox) {
            #expect(lines.count == 2 && lines.last == ["second"], "child \(index): \(lines)")
        }
    }

    /// A dependant whose held task Slurm dropped (its partner failed there) runs later under the same attempt number in
    /// another Slurm job: an engine that restarts meanwhile takes the task that ran, not the dropped one, for the attempt.
    @Test func anEngineRestartedAfterADroppedHoldRecordsTheTaskThatRan() throws {
        let cluster = try SlurmCluster()
        let retry = """
                retryStrategy: {attempts: 2}

            """
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 2, then: "[ $AWS_BATCH_JOB_ATTEMPT = 2 ]", extra: retry)
                                                    + SlurmClusterTests.recorder("slow", seconds: 3), cluster: cluster)
        var server = try sandbox.serve(environment: cluster.environment)
        let first = try sandbox.submit("-q", "default", "-d", "first")
        let second = try sandbox.submit("-q", "default", "-d", "slow", "--depends-on", first)
        let store = try sandbox.store()
        try eventually(within: 60, "the dependant to be dropped and run") { try store.job(second)?.status == .running }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(try Self.tasks(of: second, cluster).map(\.state).sorted() == ["CANCELLED", "RUNNING"])
        try eventually(within: 30, "its task to end") { try Self.tasks(of: second, cluster).contains { $0.state == "COMPLETED" } }
        server = try sandbox.serve(environment: cluster.environment)
        try eventually(within: 60, "the dependant to end") { try store.job(second)?.status.isTerminal == true }
        let dependant = try #require(try store.job(second))
        #expect(dependant.status == .succeeded && dependant.attempts == 1, "\(dependant)")
        #expect(try store.attempts(second).count == 1)
        let text = try String(contentsOf: sandbox.root.appendingPathComponent("out/single"), encoding: .utf8)
        #expect(text.components(separatedBy: second).count - 1 == 1, "the dependant ran once: \(text)")
    }

    /// Slurm starts a held dependant the moment its partner ends, before Drover sees it: a cancel then (the engine
    /// stopped meanwhile) does not report the job that ran as cancelled before it started: its attempt is recorded.
    @Test func aCancelRacingTheClusterStartOfAHeldDependantRecordsTheAttemptThatRan() throws {
        let cluster = try SlurmCluster()
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("first", seconds: 2)
                                                    + SlurmClusterTests.recorder("slow", seconds: 20), cluster: cluster)
        let server = try sandbox.serve(environment: cluster.environment)
        defer { kill(server.processIdentifier, SIGCONT) }
        let first = try sandbox.submit("-q", "default", "-d", "first")
        let second = try sandbox.submit("-q", "default", "-d", "slow", "--depends-on", first)
        let store = try sandbox.store()
        try eventually(within: 60, "the dependant to wait in Slurm") { try Self.tasks(of: second, cluster).contains { $0.state == "PENDING" } }
        kill(server.processIdentifier, SIGSTOP)
        try eventually(within: 30, "Slurm to start it") { try Self.tasks(of: second, cluster).contains { $0.state == "RUNNING" } }
        #expect(try store.job(second)?.status == .pending)
        #expect(try sandbox.drover(["cancel", second, "--reason", "not needed"], environment: cluster.environment).status == 0)
        kill(server.processIdentifier, SIGCONT)
        try eventually(within: 60, "the dependant to end") { try store.job(second)?.status.isTerminal == true }
        let dependant = try #require(try store.job(second))
        #expect(dependant.status == .failed && dependant.statusReason == "not needed" && dependant.attempts == 1, "\(dependant)")
        let attempt = try #require(try store.attempts(second).first)
        #expect(attempt.clusterJob != nil && attempt.host != nil, "the attempt that ran: \(attempt)")
        try eventually(within: 30, "nothing left in Slurm") { try Self.tasks(of: second, cluster).allSatisfy { $0.state != "RUNNING" && $0.state != "PENDING" } }
    }

    /// An attempt stopped and not counted (`drover run` interrupted; likewise a held task dropped) gives its number to
    /// the job's next attempt while Slurm still lists its task: an engine killed before that next attempt reached
    /// Slurm does not take the old task's end for it.
    @Test func anAttemptNumberGivenBackIsNotTakenForTheOldTasksEndOnRestart() throws {
        let cluster = try SlurmCluster()
        let sandbox = try SlurmClusterTests.sandbox(SlurmClusterTests.recorder("slow", seconds: 4), cluster: cluster)
        let file = try sandbox.write("run.yaml", "jobs:\n  - {jobName: slow, jobQueue: default, jobDefinition: slow}\n")
        let run = sandbox.process(["run", file, "--quiet"], environment: cluster.environment)
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        let store = try sandbox.store()
        try eventually(within: 60, "the job to run") { try store.jobs(JobFilter(all: true)).first?.status == .running }
        let id = try #require(try store.jobs(JobFilter(all: true)).first?.jobId)
        kill(run.processIdentifier, SIGINT)
        run.waitUntilExit()
        #expect(try store.job(id)?.status == .runnable && store.job(id)?.attempts == 0)
        // The next engine claims attempt 1 again, and dies in an sbatch that never reaches Slurm.
        let bin = sandbox.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let stuck = bin.appendingPathComponent("sbatch")
        try "#!/bin/sh\necho $$ > \(sandbox.root.path)/sbatch.pid\nexec sleep 120\n".write(to: stuck, atomically: true, encoding: .utf8)
        chmod(stuck.path, 0o755)
        var environment = cluster.environment
        environment["PATH"] = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var server = try sandbox.serve(environment: environment)
        let pidFile = sandbox.root.appendingPathComponent("sbatch.pid")
        try eventually(within: 30, "sbatch to be called") { FileManager.default.fileExists(atPath: pidFile.path) }
        #expect(try store.job(id)?.status == .starting)
        // The stuck sbatch first: it holds what tells Foundation that the engine has exited.
        if let pid = Int32((try String(contentsOf: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        server = try sandbox.serve(environment: cluster.environment)
        try eventually(within: 60, "the job to end") { try store.job(id)?.status.isTerminal == true }
        let job = try #require(try store.job(id))
        #expect(job.status == .succeeded && job.attempts == 1, "\(job.status) \(job.statusReason ?? "")")
        #expect(try SlurmClusterTests.work(sandbox).isEmpty)
        let text = try String(contentsOf: sandbox.root.appendingPathComponent("out/single"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1, "the work was done once: \(text)")
    }
}
