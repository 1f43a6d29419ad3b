import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

/// The CLI speaks AWS's language: `drover submit` takes `aws batch submit-job`'s options and forms, and
/// `--output json` of submit, describe and jobs is exactly SubmitJob's, DescribeJobs' and ListJobs' response, as
/// botocore's model (through scripts/aws-model-validate.py) checks it.
struct AWSCommandLineTests {
    static let definitions = basicEnvironment() + """
        jobDefinitions:
          - jobDefinitionName: d
            containerProperties: {command: [echo, default]}
          - jobDefinitionName: modern
            containerProperties:
              command: ["true"]
              resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "256"}]
          - jobDefinitionName: fails
            retryStrategy: {attempts: 2}
            containerProperties: {command: [sh, -c, "exit 3"]}

        """

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func submitTakesTheAWSCLIFormsEndToEnd() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.definitions))
        let first = try sandbox.submit("--job-name", "first", "--job-queue", "default", "--job-definition", "d",
                                       "--array-properties", #"{"size": 3}"#, "--container-overrides", "command=true")
        try sandbox.write("req.json", """
            {"jobName": "from-file", "jobQueue": "nope", "jobDefinition": "nope", "parameters": {"word": "hello"},
             "tags": {"team": "imaging"}, "timeout": {"attemptDurationSeconds": 60},
             "retryStrategy": {"attempts": 2, "evaluateOnExit": [{"onExitCode": "3", "action": "EXIT"}]}}
            """)
        let submitted = try sandbox.drover(
            "submit", "--job-name", "x", "--job-queue", "default", "--job-definition", "d", "--array-properties", "size=3",
            "--depends-on", "jobId=\(first),type=N_TO_N",
            "--container-overrides", #"command=sh,-c,echo $GREETING Ref::word $AWS_BATCH_JOB_ARRAY_INDEX,environment=[{name=GREETING,value=hi}]"#,
            "--cli-input-json", "file://req.json", "--output", "json")
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(try ModelValidator.problems("SubmitJob", submitted.stdout) == "")
        let response = try Self.object(submitted.stdout)
        let id = try #require(response["jobId"] as? String)
        #expect(Set(response.keys) == ["jobArn", "jobName", "jobId"])
        #expect(response["jobName"] as? String == "x", "the option overrides --cli-input-json's member")
        #expect(response["jobArn"] as? String == "arn:aws:batch:us-east-1:000000000000:job/\(id)")

        let described = try sandbox.drover("describe", id, "-o", "json")
        #expect(try ModelValidator.problems("DescribeJobs", described.stdout) == "")
        let job = try #require((try Self.object(described.stdout)["jobs"] as? [[String: Any]])?.first)
        #expect(job["jobQueue"] as? String == "arn:aws:batch:us-east-1:000000000000:job-queue/default")
        #expect((job["arrayProperties"] as? [String: Any])?["size"] as? Int == 3)
        let dependency = try #require((job["dependsOn"] as? [[String: String]])?.first)
        #expect(dependency == ["jobId": first, "type": "N_TO_N"])
        #expect((job["tags"] as? [String: String]) == ["team": "imaging"], "members no option gives come from the file")
        #expect((job["timeout"] as? [String: Int])?["attemptDurationSeconds"] == 60)
        #expect((job["retryStrategy"] as? [String: Any])?["attempts"] as? Int == 2)

        try sandbox.serve()
        try eventually(within: 60, "both arrays to finish") { try sandbox.store().job(id)?.status.isTerminal == true }
        #expect(try sandbox.store().job(id)?.status == .succeeded)
        #expect(try sandbox.drover("logs", "\(id):2").stdout == "hi hello 2\n")
    }

    @Test func describeAndJobsPrintDescribeJobsAndListJobsResponses() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.definitions))
        let array = try sandbox.submit("-q", "default", "-d", "d", "--array-size", "2", "--tags", "k=v")
        let failing = try sandbox.submit("-q", "default", "-d", "fails", "--depends-on", array)
        try sandbox.serve()
        try eventually(within: 60, "the jobs to finish") { try sandbox.store().job(failing)?.status.isTerminal == true }

        let both = try sandbox.drover("describe", array, failing, "\(array):1", "--output", "json")
        #expect(both.status == 0, "\(both.stderr)")
        #expect(try ModelValidator.problems("DescribeJobs", both.stdout) == "")
        let jobs = try #require(try Self.object(both.stdout)["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["jobId"] as? String } == [array, failing, "\(array):1"])
        #expect((jobs[1]["attempts"] as? [Any])?.count == 2)
        #expect((jobs[1]["container"] as? [String: Any])?["exitCode"] as? Int == 3)
        #expect(jobs.allSatisfy { $0["cost"] == nil }, "Drover's own figures stay in the text output")

        let environment = ["DROVER_REGION": "eu-west-1", "DROVER_ACCOUNT_ID": "123456789012"]
        let listed = try sandbox.drover(["jobs", "--all", "-o", "json"], environment: environment)
        #expect(try ModelValidator.problems("ListJobs", listed.stdout) == "")
        let summaries = try #require(try Self.object(listed.stdout)["jobSummaryList"] as? [[String: Any]])
        #expect(summaries.map { $0["jobId"] as? String } == [array, failing], "the jobs the table shows")
        #expect(summaries[0]["jobArn"] as? String == "arn:aws:batch:eu-west-1:123456789012:job/\(array)")
        #expect(summaries[1]["status"] as? String == "FAILED")

        let children = try sandbox.drover("jobs", "--array", array, "-o", "json")
        #expect(try ModelValidator.problems("ListJobs", children.stdout) == "")
        let indexes = (try Self.object(children.stdout)["jobSummaryList"] as? [[String: Any]])?.map { ($0["arrayProperties"] as? [String: Int])?["index"] }
        #expect(indexes == [0, 1])

        #expect(try sandbox.drover("describe", failing).stdout.contains("Exit code:"), "the text output is as it was")
        let unknown = try sandbox.drover("describe", array, "zzzzzzzz", "-o", "json")
        #expect(unknown.status == 2 && unknown.stderr.contains("no job 'zzzzzzzz'") && unknown.stdout.isEmpty)
        let badAccount = try sandbox.drover(["describe", array, "-o", "json"], environment: ["DROVER_ACCOUNT_ID": "42"])
        #expect(badAccount.status == 2 && badAccount.stderr.contains("DROVER_REGION/DROVER_ACCOUNT_ID: the account id must be 12 digits"))
    }

    @Test func deprecatedVcpusDoNotOverrideResourceRequirements() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.definitions))
        let ignored: [[String]] = [
            ["--container-overrides", "vcpus=2"],
            ["--container-overrides", #"{"memory": 512}"#],
            ["--cli-input-json", #"{"jobName": "j", "jobQueue": "default", "jobDefinition": "modern", "containerOverrides": {"vcpus": 2}}"#],
        ]
        for options in ignored {
            let result = try sandbox.drover(["submit", "-q", "default", "-d", "modern", "-o", "json"] + options)
            #expect(result.status == 0, "\(options): \(result.stderr)")
            let id = try #require(try Self.object(result.stdout)["jobId"] as? String)
            let job = try #require((try Self.object(try sandbox.drover("describe", id, "-o", "json").stdout)["jobs"] as? [[String: Any]])?.first)
            let requirements = (job["container"] as? [String: Any])?["resourceRequirements"] as? [[String: String]]
            #expect(requirements == [["type": "VCPU", "value": "1"], ["type": "MEMORY", "value": "256"]], "AWS ignores \(options)")
        }

        let id = try sandbox.submit("-q", "default", "-d", "modern", "--vcpus", "2", "--memory", "512")
        let job = try #require((try Self.object(try sandbox.drover("describe", id, "-o", "json").stdout)["jobs"] as? [[String: Any]])?.first)
        let requirements = (job["container"] as? [String: Any])?["resourceRequirements"] as? [[String: String]]
        #expect(requirements == [["type": "VCPU", "value": "2"], ["type": "MEMORY", "value": "512"]])
        let plain = try sandbox.submit("-q", "default", "-d", "d", "--container-overrides", "vcpus=2,memory=64")
        #expect(try sandbox.store().spec(ofJob: plain).vcpus == 2, "over a definition without requirements the old keys still work")
    }

    @Test func submitNamesTheOptionAtFault() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", Self.definitions))
        let cases: [([String], String)] = [
            (["--array-properties", "size=x"], "--array-properties: size: expected an integer (got 'x')"),
            (["--array-properties", "size=1"], "--array-properties size: must be between 2 and 1000000 (got 1)"),
            (["--container-overrides", "colour=red"], "--container-overrides: unknown member 'colour'"),
            (["--container-overrides", "command=[a,b"], "--container-overrides: not valid shorthand"),
            (["--container-overrides", "environment=[{name=AWS_BATCH_X,value=1}]"], "--container-overrides environment[0].name: variables may not start with AWS_BATCH"),
            (["--timeout", "attemptDurationSeconds=0"], "--timeout attemptDurationSeconds: must be between 1 second and one year"),
            (["--timeout", "1e3"], "--timeout 1e3: expected SECONDS (a whole number), attemptDurationSeconds=N or JSON"),
            (["--retry-strategy", "evaluateOnExit=[{onExitCode=1?,action=RETRY}]"], "--retry-strategy attempts: is required when evaluateOnExit is given"),
            (["--cli-input-json", #"{"nodeOverrides": {}}"#], "--cli-input-json: nodeOverrides is not supported by Drover"),
            (["--cli-input-json", #"{"retryStrategy": {"attempts": 20}}"#], "--cli-input-json retryStrategy.attempts: must be between 1 and 10"),
            (["--cli-input-json", "file://missing.json"], "--cli-input-json: cannot read missing.json"),
            (["--depends-on", "jobId=abcdefgh", "--array-size", "2"], "unknown job 'abcdefgh'"),
        ]
        for (options, message) in cases {
            let result = try sandbox.drover(["submit", "-q", "default", "-d", "d"] + options)
            #expect(result.status == 2, "\(options)")
            #expect(result.stderr.contains(message), "\(result.stderr) should say \(message)")
        }
        #expect(try sandbox.store().jobs(JobFilter(all: true)).isEmpty)
    }
}
