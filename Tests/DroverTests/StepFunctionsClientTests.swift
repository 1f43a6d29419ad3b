import DroverCore
import Foundation
import ModelValidatorSupport
import Testing

/// The Step Functions API of `drover serve --api` driven by boto3's `stepfunctions` client and the `aws` CLI
/// (scripts/sfn-client-checks.py), every response checked against botocore's stepfunctions model: a Parallel of two
/// `batch:submitJob.sync` tasks runs to SUCCEEDED, its history pages both ways, executions list by status, a stopped
/// execution is ABORTED with its job terminated, and refusals are Step Functions' errors.
@Suite(.serialized) struct StepFunctionsClientTests {
    /// The queue `default` and the job definitions the checks' state machines name.
    static let jobs = basicEnvironment(maxvCpus: 4) + """
        jobDefinitions:
          - jobDefinitionName: quick
            containerProperties: {command: ["true"], vcpus: 1}
          - jobDefinitionName: slow
            containerProperties: {command: [sleep, "60"], vcpus: 1}

        """

    /// Runs scripts/sfn-client-checks.py CHECKS against a new `drover serve --api` over a state directory holding `jobs`.
    static func checks(_ which: String) throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.jobs)).status == 0)
        let (server, url) = try APIClientTests.startAPI(sandbox, options: ["--poll-interval", "0.05"])
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var environment: [String: String?] = ["DROVER_API_URL": url, "AWS_ENDPOINT_URL": nil, "AWS_ENDPOINT_URL_SFN": nil]
        for (key, value) in APIClientTests.keys { environment[key] = value }
        let result = try Python.run([Python.scripts.appendingPathComponent("sfn-client-checks.py").path, which], environment: environment)
        #expect(result.status == 0, "\(result.output)\nserve log:\n\(sandbox.serveLog)")
    }

    @Test func aParallelOfTwoBatchJobsSucceedsAndItsHistoryPages() throws {
        try Self.checks("run")
    }

    @Test func stopExecutionAbortsItAndTerminatesItsJob() throws {
        try Self.checks("stop")
    }

    @Test func refusalsAreStepFunctionsErrors() throws {
        try Self.checks("errors")
    }

    @Test func requestsMustBeSignedForStates() throws {
        try Self.checks("sigv4")
    }

    @Test func theAWSCLIListsStateMachines() throws {
        try Self.checks("cli")
    }
}
