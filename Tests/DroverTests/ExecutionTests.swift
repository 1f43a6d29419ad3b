import DroverCore
import DroverStore
import Foundation
import Testing

/// Real processes through the real binary: exit codes, signals, timeouts, environment, logs.
struct ExecutionTests {
    @Test func helloArrayRunsEndToEnd() throws {
        let sandbox = try Sandbox()
        let example = Sandbox.packageRoot.appendingPathComponent("jobs/hello-array.yaml").path
        let result = try sandbox.drover("run", example, "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("all 1 job succeeded"))
        let id = try #require(try sandbox.store().jobs(JobFilter(all: true)).first?.jobId)
        let log = try sandbox.drover("logs", "\(id):7")
        #expect(log.stdout == "Hello from child 7 of 20 (attempt 1)\n")
        let detail = try sandbox.drover("describe", id, "--output", "json")
        let described = try #require(try JSONSerialization.jsonObject(with: Data(detail.stdout.utf8)) as? [String: [[String: Any]]])
        let json = try #require(described["jobs"]?.first)
        let array = try #require(json["arrayProperties"] as? [String: Any])
        #expect((array["statusSummary"] as? [String: Int])?["SUCCEEDED"] == 20)
        #expect(json["status"] as? String == "SUCCEEDED")
    }

    @Test func everyChildOfAFastArrayRunsExactlyOnce() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("fast.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: mark
                containerProperties: {command: [sh, -c, "echo $AWS_BATCH_JOB_ARRAY_INDEX >> ran.txt"]}
            jobs:
              - {jobName: fast, jobQueue: default, jobDefinition: mark, arrayProperties: {size: 400}}
            """)
        let result = try sandbox.drover("run", file, "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOf: sandbox.root.appendingPathComponent("ran.txt"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 400, "each child ran once")
        #expect(Set(lines).count == 400)
        let store = try sandbox.store()
        let children = try store.jobs(JobFilter(all: true, arrayJobId: try #require(try store.jobs(JobFilter(all: true)).first?.jobId), limit: 1000))
        #expect(children.count == 400 && children.allSatisfy { $0.status == .succeeded && $0.attempts == 1 })
    }

    @Test func exitCodesSignalsAndMissingCommands() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("jobs.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: sh
                containerProperties: {command: [sh, -c, "exit 0"]}
            jobs:
              - {jobName: three, jobQueue: default, jobDefinition: sh, containerOverrides: {command: [sh, -c, "echo out; echo err >&2; exit 3"]}}
              - {jobName: killed, jobQueue: default, jobDefinition: sh, containerOverrides: {command: [sh, -c, "kill -9 $$"]}}
              - {jobName: missing, jobQueue: default, jobDefinition: sh, containerOverrides: {command: [no-such-command-here, x]}}
              - {jobName: fine, jobQueue: default, jobDefinition: sh}
            """)
        let result = try sandbox.drover("run", file, "--quiet")
        #expect(result.status == 1)
        #expect(result.stdout.contains("3 of 4 jobs failed"))
        let jobs = Dictionary(uniqueKeysWithValues: try sandbox.store().jobs(JobFilter(all: true)).map { ($0.jobName, $0) })
        #expect(jobs["three"]?.status == .failed && jobs["three"]?.exitCode == 3)
        #expect(jobs["three"]?.statusReason == Reasons.containerExited)
        // container.reason only where AWS sets one: not for an exit code, nor for a signal (only an out-of-memory kill has one).
        #expect(jobs["three"]?.containerReason == nil)
        #expect(jobs["killed"]?.exitCode == 137 && jobs["killed"]?.containerReason == nil)
        #expect(jobs["missing"]?.status == .failed && jobs["missing"]?.statusReason == "Task failed to start")
        #expect(jobs["missing"]?.containerReason?.hasPrefix("CannotStartContainerError: cannot run 'no-such-command-here'") == true)
        #expect(jobs["fine"]?.status == .succeeded && jobs["fine"]?.exitCode == 0)
        let log = try sandbox.drover("logs", jobs["three"]!.jobId)
        #expect(log.stdout == "out\nerr\n")
    }

    @Test func environmentParametersAndAttempts() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: show
                parameters: {word: default, other: kept}
                containerProperties:
                  command: [sh, -c, "echo Ref::word Ref::other $GREETING $AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT $AWS_BATCH_JQ_NAME $AWS_BATCH_CE_NAME $AWS_BATCH_JOB_ARRAY_INDEX/$AWS_BATCH_JOB_ARRAY_SIZE; [ $AWS_BATCH_JOB_ATTEMPT = 2 ]"]
                  environment: [{name: GREETING, value: hi}]
                retryStrategy: {attempts: 2}
            jobs:
              - {jobName: show, jobQueue: default, jobDefinition: show, parameters: {word: given}, arrayProperties: {size: 2}}
            """)
        let result = try sandbox.drover("run", file, "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        let id = try #require(try sandbox.store().jobs(JobFilter(all: true)).first?.jobId)
        #expect(try sandbox.drover("logs", "\(id):1", "--attempt", "1").stdout == "given kept hi \(id):1 1 default local 1/2\n")
        #expect(try sandbox.drover("logs", "\(id):1").stdout == "given kept hi \(id):1 2 default local 1/2\n")
        #expect(try sandbox.store().attempts("\(id):0").map(\.exitCode) == [1, 0])
        let noSuchAttempt = try sandbox.drover("logs", "\(id):1", "--attempt", "3")
        #expect(noSuchAttempt.status != 0 && noSuchAttempt.stderr.contains("there is no attempt 3"))
        let parent = try sandbox.drover("logs", id)
        #expect(parent.status != 0 && parent.stderr.contains("is an array job"))
    }

    @Test func timeoutSendsTermThenKill() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("timeout.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: slow
                containerProperties: {command: [sleep, "60"]}
                timeout: {attemptDurationSeconds: 1}
                retryStrategy: {attempts: 3}
            jobs:
              - {jobName: polite, jobQueue: default, jobDefinition: slow}
              - {jobName: stubborn, jobQueue: default, jobDefinition: slow, containerOverrides: {command: [sh, -c, "trap '' TERM; sleep 60 & wait; sleep 60"]}}
            """)
        let started = Date()
        let result = try sandbox.drover(["run", file, "--quiet"], environment: ["DROVER_KILL_GRACE_SECONDS": "1"])
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(started) < 20)
        for job in try sandbox.store().jobs(JobFilter(all: true)) {
            #expect(job.status == .failed)
            #expect(job.statusReason == Reasons.timeout)
            #expect(job.containerReason == nil, "AWS gives the timeout in statusReason only")
            #expect(job.attempts == 1, "timed-out jobs are not retried")
        }
        let stubborn = try #require(try sandbox.store().jobs(JobFilter(all: true)).first { $0.jobName == "stubborn" })
        #expect(stubborn.exitCode == 137)
    }

    @Test func retryDemoFollowsTheRules() throws {
        let sandbox = try Sandbox()
        let example = Sandbox.packageRoot.appendingPathComponent("jobs/retry-demo.yaml").path
        let result = try sandbox.drover("run", example, "--quiet")
        #expect(result.status == 1)
        let store = try sandbox.store()
        let id = try #require(try store.jobs(JobFilter(all: true)).first?.jobId)
        for index in 0..<6 {
            let child = try #require(try store.job("\(id):\(index)"))
            if index == 3 {
                #expect(child.status == .failed && child.attempts == 1 && child.exitCode == 42)
            } else {
                #expect(child.status == .succeeded && child.attempts == 2)
            }
        }
    }

    @Test func dependencyChainExample() throws {
        let sandbox = try Sandbox()
        let example = Sandbox.packageRoot.appendingPathComponent("jobs/dependency-chain.yaml").path
        let result = try sandbox.drover("run", example, "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        let store = try sandbox.store()
        let jobs = Dictionary(uniqueKeysWithValues: try store.jobs(JobFilter(all: true)).map { ($0.jobName, $0) })
        let prepare = try #require(jobs["prepare"]), process = try #require(jobs["process"]), report = try #require(jobs["report"])
        for index in 0..<4 {
            let before = try #require(try store.job("\(prepare.jobId):\(index)"))
            let after = try #require(try store.job("\(process.jobId):\(index)"))
            #expect((after.startedAt ?? 0) >= (before.stoppedAt ?? .max))
            if index > 0 {
                let previous = try #require(try store.job("\(process.jobId):\(index - 1)"))
                #expect((after.startedAt ?? 0) >= (previous.stoppedAt ?? .max))
            }
        }
        #expect((report.startedAt ?? 0) >= (process.stoppedAt ?? .max))
    }
}
