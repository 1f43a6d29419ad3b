import DroverCore
@testable import DroverEngine
import Foundation
import Testing

/// What goes to slurmrestd and what is read back (``SlurmRestMapping``), from tables and from answers a real
/// slurmrestd gave (``SlurmRestSamples``).
struct SlurmRestMappingTests {
    typealias Launch = SlurmSubmissionTests

    static func job(_ launches: [AttemptLaunch], environment: [String: String] = ["PATH": "/usr/bin"]) throws -> [String: Any] {
        let body = SlurmRestMapping.submitBody(try Launch.submission(launches), environment: environment)
        #expect(body["script"] as? String == (try Launch.submission(launches)).script)
        return try #require(body["job"] as? [String: Any])
    }

    @Test func aSubmissionSaysWhatSbatchsArgumentsSay() throws {
        var slurm = SlurmSettings(partition: "gpu")
        slurm.account = "lab"
        slurm.qos = "normal"
        slurm.constraint = "avx2"
        slurm.slurmrestd = "http://127.0.0.1:6820"
        let launches = [2, 5, 7].map {
            Launch.launch(JobID.child(Launch.parent, $0), vcpus: 1.5, memory: 512, timeout: 90, grace: 30, folder: "/srv/work", slurm: slurm)
        }
        let job = try Self.job(launches, environment: ["PATH": "/usr/bin", "HOME": "/root"])
        #expect(job["name"] as? String == "render")
        #expect(job["comment"] as? String == "drover:v1:9f3a01c2:\(Launch.parent):1:90:30:0:tok")
        #expect(job["partition"] as? String == "gpu" && job["account"] as? String == "lab" && job["qos"] as? String == "normal")
        #expect(job["constraints"] as? String == "avx2")
        #expect(job["array"] as? String == "2,5,7")
        #expect(job["cpus_per_task"] as? Int == 2 && job["memory_per_node"] as? Int == 512)
        // 90 s and a 30 s grace: 2 minutes, and one more as a backstop, as `--time=3`.
        #expect(job["time_limit"] as? Int == 3)
        #expect(job["current_working_directory"] as? String == "/srv/work")
        #expect(job["standard_output"] as? String == "/dev/null" && job["standard_error"] as? String == "/dev/null")
        #expect(job["requeue"] as? Bool == false)
        #expect(job["environment"] as? [String: String] == ["PATH": "/usr/bin", "HOME": "/root"])
        // The same values as sbatch's arguments.
        let arguments = try Launch.submission(launches).arguments
        for (name, key) in [("array", "array"), ("partition", "partition"), ("time", "time_limit"), ("cpus-per-task", "cpus_per_task")] {
            #expect(Launch.value(name, in: arguments) == job[key].map { "\($0)" }, "\(name)")
        }
    }

    @Test func aDependencyGoesAsSbatchsDoes() throws {
        let launches = [0, 1].map { Launch.launch(JobID.child(Launch.parent, $0)) }
        var submission = try Launch.submission(launches)
        #expect(SlurmRestMapping.submitBody(submission, environment: [:])["job"].flatMap { ($0 as? [String: Any])?["dependency"] } == nil)
        submission.dependency = "aftercorr:100"
        let job = try #require(SlurmRestMapping.submitBody(submission, environment: [:])["job"] as? [String: Any])
        #expect(job["dependency"] as? String == "aftercorr:100" && job["kill_on_invalid_dependency"] as? Bool == true)
        #expect(submission.arguments.contains("--dependency=aftercorr:100") && submission.arguments.contains("--kill-on-invalid-dep=yes"))
    }

    @Test func aPlainJobHasNoArrayNorLimitsItDidNotAsk() throws {
        let job = try Self.job([Launch.launch(Launch.parent, vcpus: 0)], environment: [:])
        #expect(job["array"] == nil && job["time_limit"] == nil && job["cpus_per_task"] == nil && job["memory_per_node"] == nil)
        #expect(job["account"] == nil && job["qos"] == nil && job["constraints"] == nil)
        // slurmrestd refuses a job without an environment ("environment must be set").
        #expect((job["environment"] as? [String: String])?.isEmpty == false)
    }

    @Test(arguments: [
        (SlurmRestSamples.submitted, 200, SlurmSubmitResult.submitted(1)),
        (SlurmRestSamples.refusedPartition, 500, .failed(message: "slurmrestd: Invalid partition name specified", unreachable: false)),
        (SlurmRestSamples.noEnvironment, 500, .failed(message: "slurmrestd: environment must be set; Failure during parsing", unreachable: false)),
        (#"{"errors": [{"error": "Unable to contact slurm controller (connect failure)", "error_code": 1007}]}"#, 500,
         .failed(message: "slurmrestd: Unable to contact slurm controller (connect failure)", unreachable: true)),
        ("<html>Bad gateway</html>", 502, .failed(message: "slurmrestd: HTTP 502: <html>Bad gateway</html>", unreachable: true)),
        (#"{"errors": [], "job_id": 7}"#, 500, .failed(message: "slurmrestd: HTTP 500", unreachable: false)),
    ])
    func aSubmitAnswerIsAJobIdOrSlurmsRefusal(_ body: String, _ status: Int, _ expected: SlurmSubmitResult) {
        #expect(SlurmRestMapping.submitted(Data(body.utf8), status: status) == expected)
    }

    @Test func theJobListingReadsAsSqueuesJson() throws {
        let tasks = try SlurmTask.parse(Data(SlurmRestSamples.jobs.utf8), commentPrefix: "drover:v1:abc:")
        #expect(tasks.map(\.clusterId) == ["1_0", "1_1", "9_0", "9"])
        #expect(tasks.map(\.state) == ["COMPLETED", "FAILED", "RUNNING", "PENDING"])
        #expect(tasks[1].waitStatus == 256 && tasks[1].reason == "NonZeroExitCode" && tasks[1].nodes == "h1")
        #expect(tasks[3].indices == [1, 2, 3, 4, 5] && tasks[3].arrayTaskId == nil)
        #expect(tasks.allSatisfy { $0.comment.hasPrefix("drover:v1:abc:") })
        #expect(try SlurmTask.parse(Data(SlurmRestSamples.jobs.utf8), commentPrefix: "drover:v1:other:").isEmpty)
    }

    @Test func aPartitionsNodesComeFromTheNodeListing() throws {
        let nodes = try SlurmRestMapping.partitionNodes(Data(SlurmRestSamples.nodes.utf8), partition: "spot")
        #expect(nodes.nodes.map(\.name) == ["h1", "h2"] && nodes.nodes.map(\.state) == ["alloc", "drain"])
        #expect(nodes.summary == "2 nodes, 1 up (h2 drain)")
        #expect(try SlurmRestMapping.partitionNodes(Data(SlurmRestSamples.nodes.utf8), partition: "gpu").nodes.isEmpty)
        #expect(throws: DroverError.self) { try SlurmRestMapping.partitionNodes(Data(#"{"errors": [{"error": "x"}], "nodes": []}"#.utf8), partition: "spot") }
    }

    @Test(arguments: [
        ("idle", [String](), "idle"), ("allocated", [], "alloc"), ("mixed", [], "mix"), ("idle", ["DRAIN"], "drain"),
        ("allocated", ["DRAIN"], "drng"), ("mixed", ["DRAIN"], "drng"), ("down", ["NOT_RESPONDING"], "down*"),
        ("idle", ["NOT_RESPONDING"], "idle*"), ("down", ["DRAIN"], "drain"), ("idle", ["POWERED_DOWN"], "idle~"),
        ("unknown", [], "unk"), ("future", [], "futr"), ("idle", ["MAINTENANCE"], "maint"),
    ])
    func nodeStatesAreSinfosShortOnes(_ state: String, _ flags: [String], _ short: String) {
        #expect(SlurmRestMapping.shortState(state, flags: flags) == short)
    }

    @Test(arguments: [
        ("", [""]), ("commands\n", [""]), ("http://10.0.0.1:6820\ncommands\nhttp://10.0.0.1:6820\n", ["http://10.0.0.1:6820", ""]),
    ])
    func theRegistryReadsItsLines(_ text: String, _ keys: [String]) {
        #expect(SlurmControlRegistry.parse(text) == (text.isEmpty ? [] : keys))
    }

    @Test func theRegistryRecordsEachClusterOnceAndAnOldDirectoryUsedTheCommands() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("restd-registry-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let registry = SlurmControlRegistry(path: "\(folder)/controls")
        #expect(registry.keys() == [""], "no file: the commands, as before there was a choice")
        #expect(registry.add("http://h:6820") == nil && registry.add("http://h:6820") == nil)
        #expect(registry.keys() == ["http://h:6820"])
        #expect(registry.add("") == nil && registry.keys() == ["http://h:6820", ""])
        let old = SlurmControlRegistry(path: "\(folder)/old/controls")
        try FileManager.default.createDirectory(atPath: "\(folder)/old", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: "\(folder)/old/sbatch.out", contents: Data("12\n".utf8)))
        #expect(old.add("http://h:6820") == nil && old.keys() == ["", "http://h:6820"])
        var settings = SlurmSettings(partition: "spot")
        #expect(SlurmControlRegistry.key(settings) == "")
        settings.slurmrestd = "http://h:6820//"
        #expect(SlurmControlRegistry.key(settings) == "http://h:6820")
    }

    /// A JWT with `claims` (unsigned: only slurmctld checks signatures).
    static func token(_ claims: String) -> String {
        let payload = Data(claims.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\(payload).c2ln"
    }

    @Test(arguments: [
        ("", "the engine has no SLURM_JWT"), ("not-a-token", "SLURM_JWT is not a JWT"), ("a.b.c", "SLURM_JWT is not a JWT"),
        (token(#"{"exp":2000000000,"iat":1,"sun":"root"}"#), nil),
        (token(#"{"exp":2000000000,"iat":1,"sun":"alice"}"#), "SLURM_JWT is a token of user alice, and the engine runs as root"),
        (token(#"{"exp":1500000000,"iat":1,"sun":"root"}"#), "SLURM_JWT expired at 2017-07-14T02:40:00Z"),
        (token(#"{"exp":1800000000}"#), nil),
    ] as [(String, String?)])
    func aTokenThatCannotWorkIsCaughtBeforeAnyRequest(_ token: String, _ problem: String?) {
        #expect(SlurmToken.problem(token, user: "root", now: Date(timeIntervalSince1970: 1_796_000_000)) == problem)
    }
}
