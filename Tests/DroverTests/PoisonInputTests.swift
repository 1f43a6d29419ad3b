import DroverCore
import DroverStore
import Foundation
import Testing

/// The real binary refuses input that used to crash or stall every engine, says which flag or field,
/// and changes nothing.
struct PoisonInputTests {
    @Test func submitRefusesPoisonNumbersByFlagAndChangesNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + "jobDefinitions:\n  - jobDefinitionName: d\n    containerProperties: {command: [\"true\"]}\n"))
        let cases: [([String], String)] = [
            (["--vcpus", "1e19"], "--vcpus: must be more than 0 and at most 10000 vCPUs (got 1e+19)"),
            (["--vcpus", "-1"], "--vcpus: must be more than 0 and at most 10000 vCPUs (got -1)"),
            (["--vcpus", "nan"], "--vcpus: must be more than 0 and at most 10000 vCPUs (got nan)"),
            (["--memory", "9223372036854775807"], "--memory: must be a whole number of MiB from 1 to 1073741824"),
            (["--timeout", "-5"], "--timeout: must be between 1 second and one year"),
            (["--array-size", "-3"], "--array-size: must be between 2 and 1000000 (got -3)"),
            (["--env", "AWS_BATCH_JOB_ID=x"], "--env: variables may not start with AWS_BATCH"),
        ]
        for (flags, message) in cases {
            let result = try sandbox.drover(["submit", "-q", "default", "-d", "d"] + flags)
            #expect(result.status == 2, "\(flags)")
            #expect(result.stderr.contains(message), "\(result.stderr) should say \(message)")
            #expect(result.stderr.contains("nothing was changed"))
        }
        let listed = try sandbox.drover("jobs", "--all", "--output", "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: [Any]])
        #expect(json["jobSummaryList"]?.isEmpty == true, "\(listed.stdout)")
    }

    @Test func applyRefusesPoisonResourcesAndAliasBombs() throws {
        let sandbox = try Sandbox()
        let poison = try sandbox.write("poison.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: d
                containerProperties:
                  command: ["true"]
                  resourceRequirements: [{type: VCPU, value: "1e308"}]
            """)
        let refused = try sandbox.drover("apply", poison)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("poison.yaml:12: jobDefinitions[0].containerProperties.resourceRequirements[0].value: VCPU must be more than 0"), "\(refused.stderr)")

        var lines = ["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        let bomb = try sandbox.write("laughs.yaml", lines.joined(separator: "\n") + "\njobs:\n  - {jobName: j, jobQueue: default, jobDefinition: d, tags: {a: *x9}}\n")
        let started = Date()
        let result = try sandbox.drover("apply", bomb)
        #expect(Date().timeIntervalSince(started) < 5, "refused at once (in-process tests hold it under a second)")
        #expect(result.status == 2)
        #expect(result.stderr.contains("laughs.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("the YAML aliases expand to more than 100000 nodes"))
        #expect(try sandbox.store().computeEnvironments().isEmpty && sandbox.store().jobDefinitions().isEmpty)
    }
}
