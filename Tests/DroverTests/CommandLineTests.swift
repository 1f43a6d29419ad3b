import DroverCore
import DroverStore
import Foundation
import Testing

/// What a user sees from the CLI: clear errors that change nothing, JSON output, hand-off to a
/// running engine, following logs.
struct CommandLineTests {
    @Test func malformedFileNamesFileAndLineAndChangesNothing() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("broken.yaml", basicEnvironment() + "jobDefinitions:\n  - jobDefinitionName: x\n    containerProperties: {command: [true]\n")
        let result = try sandbox.drover("apply", file)
        #expect(result.status == 2)
        #expect(result.stderr.contains("broken.yaml: line 11"))
        #expect(try sandbox.store().computeEnvironments().isEmpty)
    }

    @Test func oneBadEntryChangesNothing() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: good
                containerProperties: {command: [true]}
              - jobDefinitionName: bad
                containerProperties: {command: [true]}
                retryStrategy: {attempts: 2, evaluateOnExit: [{onExitCode: "1?", action: RETRY}]}
            """)
        let result = try sandbox.drover("apply", file)
        #expect(result.status == 2)
        #expect(result.stderr.contains("env.yaml:13: jobDefinitions[1].retryStrategy.evaluateOnExit[0].onExitCode"))
        #expect(result.stderr.contains("nothing was changed"))
        let store = try sandbox.store()
        #expect(try store.computeEnvironments().isEmpty && store.jobDefinitions().isEmpty)
    }

    @Test func applyWarnsAboutFieldsWithoutLocalEffect() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: plain
                containerProperties: {command: [true]}
              - jobDefinitionName: secretive
                containerProperties: {command: [true], user: nobody, secrets: [{name: TOKEN, valueFrom: ssm-token}]}
            """)
        let result = try sandbox.drover("apply", file)
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings == ["warning: \(file):11: job definition secretive sets containerProperties.secrets, containerProperties.user: kept and shown, but not applied to local processes"],
                "\(result.stderr)")
        #expect(result.stdout.contains("registered job definition secretive:1"))
    }

    @Test func submitErrorsAreClear() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + "jobDefinitions:\n  - jobDefinitionName: d\n    containerProperties: {command: [true]}\n"))
        let cases: [([String], String)] = [
            (["-q", "nope", "-d", "d"], "unknown job queue 'nope'"),
            (["-q", "default", "-d", "nope"], "unknown job definition 'nope'"),
            (["-q", "default", "-d", "d", "--array-size", "1000001"], "must be between 2 and 1000000"),
            (["-q", "default", "-d", "d", "--depends-on", "abcdefgh"], "unknown job 'abcdefgh'"),
            (["-q", "default", "-d", "d", "--parameter", "novalue"], "expected NAME=VALUE"),
            (["-q", "default", "-d", "d", "--retry-attempts", "11"], "must be between 1 and 10"),
        ]
        for (arguments, message) in cases {
            let result = try sandbox.drover(["submit"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(result.stderr) should say \(message)")
        }
        #expect(try sandbox.store().jobs(JobFilter(all: true)).isEmpty)
        let unknown = try sandbox.drover("describe", "zzzzzzzz")
        #expect(unknown.status == 2 && unknown.stderr.contains("no job 'zzzzzzzz'"))
    }

    @Test func circularDependenciesInAFileAreRefused() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("cycle.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: d
                containerProperties: {command: [true]}
            jobs:
              - {jobName: a, jobQueue: default, jobDefinition: d, dependsOn: [{jobName: c}]}
              - {jobName: b, jobQueue: default, jobDefinition: d, dependsOn: [{jobName: a}]}
              - {jobName: c, jobQueue: default, jobDefinition: d, dependsOn: [{jobName: b}]}
            """)
        let result = try sandbox.drover("run", file)
        #expect(result.status == 2)
        #expect(result.stderr.contains("circular dependency: a -> c -> b -> a"))
        #expect(try sandbox.store().jobs(JobFilter(all: true)).isEmpty)
    }

    @Test func submitOverridesAndJsonOutput() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + "jobDefinitions:\n  - jobDefinitionName: d\n    containerProperties: {command: [echo, default]}\n"))
        let submitted = try sandbox.drover("submit", "-q", "default", "-d", "d", "--name", "custom", "-e", "X=1", "--timeout", "30", "-o", "json", "--", "sh", "-c", "echo $X")
        #expect(submitted.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(submitted.stdout.utf8)) as? [String: String])
        let id = try #require(json["jobId"])
        #expect(json["jobName"] == "custom" && id.count == 8)
        let described = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.drover("describe", id, "-o", "json").stdout.utf8)) as? [String: [[String: Any]]])
        let detail = try #require(described["jobs"]?.first)
        #expect((detail["container"] as? [String: Any])?["command"] as? [String] == ["sh", "-c", "echo $X"])
        #expect((detail["timeout"] as? [String: Int])?["attemptDurationSeconds"] == 30)
        #expect(detail["status"] as? String == "RUNNABLE")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.drover("jobs", "-o", "json", "--status", "runnable").stdout.utf8)) as? [String: [[String: Any]]])
        #expect(listed["jobSummaryList"]?.count == 1)
        let none = try sandbox.drover("jobs", "--status", "SUCCEEDED")
        #expect(!none.stdout.contains(id))
    }

    @Test func runHandsJobsToARunningEngineAndFollowsLogs() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("talk.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: talk
                containerProperties: {command: [sh, -c, "for i in 1 2 3; do echo line $i; sleep 0.2; done"]}
            jobs:
              - {jobName: talk, jobQueue: default, jobDefinition: talk}
            """)
        try sandbox.serve()
        let result = try sandbox.drover("run", file, "--quiet")
        #expect(result.status == 0)
        #expect(result.stderr.contains("an engine is already running"))
        let id = try #require(try sandbox.store().jobs(JobFilter(all: true)).first?.jobId)
        #expect(try sandbox.drover("logs", id).stdout == "line 1\nline 2\nline 3\n")
        let second = try sandbox.submit("-q", "default", "-d", "talk")
        let followed = try sandbox.drover("logs", second, "--follow")
        #expect(followed.stdout == "line 1\nline 2\nline 3\n")
        #expect(try sandbox.store().job(second)?.status == .succeeded)
    }

    @Test func resourcesAreListed() throws {
        let sandbox = try Sandbox()
        let example = Sandbox.packageRoot.appendingPathComponent("jobs/environment.yaml").path
        #expect(try sandbox.drover("apply", example).status == 0)
        let queues = try sandbox.drover("queues")
        #expect(queues.stdout.contains("high") && queues.stdout.contains("spot → on-demand"))
        #expect(try sandbox.drover("environments").stdout.contains("SPOT"))
    }
}
