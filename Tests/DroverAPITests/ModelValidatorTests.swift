import Foundation
import ModelValidatorSupport
import Testing

/// scripts/aws-model-validate.py, the strict checker of API bodies against botocore's model that the API's
/// end-to-end tests use: its self-test (every operation's minimal and maximal bodies, mutations of them, botocore's
/// own parser) must pass, and the command line must report a bad body with its JSON path.
@Suite struct ModelValidatorTests {
    /// Runs the validator with `arguments` (and `input` on standard input); its exit status and output.
    static func validator(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        try ModelValidator.run(arguments, input: input)
    }

    @Test func selfTestPasses() throws {
        let (status, output) = try Self.validator(["--self-test"])
        #expect(status == 0, "botocore (pip awscli/boto3) is installed and the self-test passes:\n\(output)")
        #expect(output.contains("45 operations"), "\(output)")
    }

    @Test(arguments: [
        (["CancelJob", "-"], "{}", 0, ""),
        (["DescribeJobs", "-"], #"{"jobs": [{"jobName": "a", "jobId": "b", "jobQueue": "q", "status": "RUNNING", "startedAt": 1, "jobDefinition": "d", "container": {"exitCode": "0"}}]}"#, 1, "jobs[0].container.exitCode: expected integer, got string\n"),
        (["--input", "submit-job", "-"], #"{"jobName": "a", "jobQueue": "q", "jobDefinition": "d", "colour": 1}"#, 1, "colour: unknown member of SubmitJobRequest\n"),
        (["--error", "DescribeJobs", "-"], #"{"__type": "ClientException", "message": "no"}"#, 0, ""),
        (["--service", "stepfunctions", "StopExecution", "-"], #"{"stopDate": 1700000000.25}"#, 0, ""),
        (["--service", "stepfunctions", "describe-execution", "-"], #"{"executionArn": "a", "stateMachineArn": "m", "status": "DONE", "startDate": 1}"#, 1,
         "status: 'DONE' is not a value of ExecutionStatus (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE)\n"),
        (["--service", "stepfunctions", "--error", "StartExecution", "-"], #"{"__type": "ExecutionAlreadyExists", "message": "no"}"#, 0, ""),
    ])
    func commandLineReportsEachProblemWithItsPath(arguments: [String], body: String, status: Int32, output: String) throws {
        let result = try Self.validator(arguments, input: body)
        #expect(result.status == status)
        #expect(result.output == output)
    }
}
