import DroverCore
import DroverStore
import Foundation
import Testing

/// Crashes, interruptions, terminate requests and several processes on one state directory.
struct DurabilityTests {
    static let definitions = """
        jobDefinitions:
          - jobDefinitionName: nap
            containerProperties: {command: [sh, -c, "sleep 0.05"], vcpus: 1}
            retryStrategy: {attempts: 3}
          - jobDefinitionName: long
            containerProperties: {command: [sleep, "60"], vcpus: 1}
            retryStrategy: {attempts: 3}

        """

    @Test func crashRecoveryRunsEveryChildToSuccessExactlyOnce() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 2) + Self.definitions))
        let id = try sandbox.submit("-q", "default", "-d", "nap", "--array-size", "120")
        let store = try sandbox.store()
        let first = try sandbox.serve()
        try eventually(within: 30, "some children to finish") { (try store.childSummary(id).counts[.succeeded] ?? 0) >= 20 }
        try eventually(within: 10, "children to be running") { (try store.childSummary(id).counts[.running] ?? 0) > 0 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let doneAtCrash = try store.childSummary(id).counts[.succeeded] ?? 0
        #expect(doneAtCrash < 120)
        try sandbox.serve()
        try eventually(within: 60, "the array to finish") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        for index in 0..<120 {
            let child = "\(id):\(index)"
            let attempts = try store.attempts(child)
            #expect(try store.job(child)?.status == .succeeded)
            // Children running at the crash were adopted by the next engine, not run again.
            #expect(attempts.count == 1 && attempts.first?.exitCode == 0, "\(child) ran once: \(attempts)")
        }
    }

    @Test func aJobOutlivesItsEngineAndTheNextEngineRecordsItsRealExit() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: slow-fail
                containerProperties: {command: [sh, -c, "while [ ! -e release ]; do sleep 0.02; done; echo done; exit 7"], vcpus: 1}
            """))
        let id = try sandbox.submit("-q", "default", "-d", "slow-fail")
        let store = try sandbox.store()
        for signal in [SIGKILL, SIGHUP, SIGTERM] {
            let engine = try sandbox.serve()
            try eventually(within: 30, "the job to run") { try store.job(id)?.status == .running }
            kill(engine.processIdentifier, signal)
            engine.waitUntilExit()
        }
        let pid = try #require(try store.job(id)?.pid)
        #expect(kill(pid, 0) == 0, "the job's process outlives three engines")
        // It ends while no engine runs: the next one records how.
        try sandbox.write("release", "")
        try eventually(within: 10, "the job's process to end") { kill(pid, 0) != 0 }
        try sandbox.serve()
        try eventually(within: 30, "the job to be recorded") { try store.job(id)?.status == .failed }
        let job = try #require(try store.job(id))
        #expect(job.exitCode == 7)
        #expect(job.statusReason == Reasons.containerExited)
        #expect(try store.attempts(id).count == 1)
        #expect(try sandbox.drover("logs", id).stdout == "done\n")
    }

    @Test func anUpgradeKeepsRunningJobsRunning() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: until-released
                containerProperties: {command: [sh, -c, "while [ ! -e release ]; do sleep 0.02; done"], vcpus: 1}
            """))
        // The "old" binary: a copy that is removed once its engine stops, as a package upgrade replaces it.
        let old = sandbox.root.appendingPathComponent("drover-old").path
        try FileManager.default.copyItem(atPath: Sandbox.binary, toPath: old)
        let id = try sandbox.submit("-q", "default", "-d", "until-released", "--array-size", "3")
        let engine = sandbox.process(["serve", "--poll-interval", "0.05"])
        engine.executableURL = URL(fileURLWithPath: old)
        engine.standardOutput = FileHandle.nullDevice
        engine.standardError = FileHandle.nullDevice
        try engine.run()
        let store = try sandbox.store()
        try eventually(within: 30, "two children to run") { try store.childSummary(id).counts[.running] == 2 }
        kill(engine.processIdentifier, SIGTERM)
        engine.waitUntilExit()
        try FileManager.default.removeItem(atPath: old)
        try sandbox.serve()
        try sandbox.write("release", "")
        try eventually(within: 30, "the array to finish") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        for index in 0..<3 { #expect(try store.attempts("\(id):\(index)").count == 1, "child \(index) ran once, through the upgrade") }
    }

    @Test func killingEngineAndSupervisorEndsTheAttemptWithNothingLeft() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + Self.definitions))
        let id = try sandbox.submit("-q", "default", "-d", "long", "--retry-attempts", "1")
        let store = try sandbox.store()
        let engine = try sandbox.serve()
        try eventually(within: 30, "the job to run") { try store.job(id)?.status == .running }
        let pid = try #require(try store.job(id)?.pid)
        let supervisors = Self.supervisors(of: sandbox)
        #expect(supervisors.count == 1)
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        for supervisor in supervisors { kill(supervisor, SIGKILL) }
        try eventually(within: 10, "the job's process to go with its supervisor") { kill(pid, 0) != 0 }
        try sandbox.serve()
        try eventually(within: 30, "the job to fail") { try store.job(id)?.status == .failed }
        #expect(try store.job(id)?.statusReason == Reasons.engineRestarted)
    }

    /// Pids of the job supervisors of a sandbox's state directory.
    static func supervisors(of sandbox: Sandbox) -> [Int32] {
        let run = sandbox.stateDir.appendingPathComponent("run").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: run)) ?? []).compactMap { name in
            guard name.hasPrefix("supervisor-"), name.hasSuffix(".sock") else { return nil }
            return Int32(name.dropFirst("supervisor-".count).dropLast(".sock".count))
        }
    }

    @Test func interruptedRunResumes() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("run.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: step
                containerProperties: {command: [sh, -c, "if [ -e stop-$AWS_BATCH_JOB_ARRAY_INDEX ]; then exit 0; fi; sleep 60"]}
            jobs:
              - {jobName: steps, jobQueue: default, jobDefinition: step, arrayProperties: {size: 3}}
            """)
        let run = sandbox.process(["run", file, "--quiet"])
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        let store = try sandbox.store()
        try eventually(within: 30, "two children to run") {
            guard let array = try store.jobs(JobFilter(all: true)).first?.jobId else { return false }
            return try store.childSummary(array).counts[.running] == 2
        }
        let id = try #require(try store.jobs(JobFilter(all: true)).first?.jobId)
        let pids = try (0..<3).compactMap { try store.job("\(id):\($0)")?.pid }
        kill(run.processIdentifier, SIGINT)
        run.waitUntilExit()
        #expect(run.terminationStatus == 130)
        for pid in pids { #expect(kill(pid, 0) != 0, "running children are stopped") }
        for index in 0..<3 {
            let child = try #require(try store.job("\(id):\(index)"))
            #expect(child.status == .runnable)
            #expect(child.attempts == 0, "an interrupted attempt does not use up the retry budget")
        }
        for index in 0..<3 { try sandbox.write("stop-\(index)", "") }
        let again = try sandbox.drover("run", file, "--quiet")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("resuming"))
        #expect(try store.jobs(JobFilter(all: true)).count == 1, "nothing was submitted twice")
        #expect(try store.job(id)?.status == .succeeded)
    }

    @Test func terminateStopsARunningJobWithoutRetry() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + Self.definitions))
        let id = try sandbox.submit("-q", "default", "-d", "long")
        let waiting = try sandbox.submit("-q", "default", "-d", "long", "--depends-on", id)
        let store = try sandbox.store()
        try sandbox.serve()
        try eventually(within: 30, "the job to run") { try store.job(id)?.status == .running }
        let cancelled = try sandbox.drover("cancel", id)
        #expect(cancelled.stderr.contains("use `drover terminate"))
        #expect(try store.job(id)?.status == .running)
        let result = try sandbox.drover("terminate", id, "--reason", "Operator stopped it")
        #expect(result.status == 0)
        try eventually(within: 20, "the job to fail") { try store.job(id)?.status == .failed }
        let job = try #require(try store.job(id))
        #expect(job.statusReason == "Operator stopped it")
        #expect(job.attempts == 1)
        #expect(try store.job(waiting)?.status == .failed)
        #expect(try store.job(waiting)?.statusReason == Reasons.dependentJobFailed)
    }

    @Test func concurrentSubmittersAndEngineShareOneStateDirectory() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + Self.definitions))
        try sandbox.serve()
        let submitters = (0..<4).map { _ in
            let process = sandbox.process(["submit", "-q", "default", "-d", "nap", "--array-size", "10"])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in submitters { try process.run() }
        for process in submitters {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let store = try sandbox.store()
        try eventually(within: 60, "every job to finish") { try store.jobs(JobFilter(all: true)).allSatisfy(\.status.isTerminal) }
        let jobs = try store.jobs(JobFilter(all: true))
        #expect(jobs.count == 4)
        #expect(jobs.allSatisfy { $0.status == .succeeded })
        let second = try sandbox.drover("serve")
        #expect(second.status == 1 && second.stderr.contains("another engine is already running"))
    }
}
