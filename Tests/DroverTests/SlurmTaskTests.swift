import DroverCore
@testable import DroverEngine
import Foundation
import Testing

/// Reading `squeue --json` (``SlurmTask/parse(_:commentPrefix:)``): real output of this machine's Slurm 22.05
/// (``SlurmSamples``), and records in the shapes later Slurm versions give (states as lists, numbers as
/// `{"set", "number"}`, exit codes as objects).
struct SlurmTaskTests {
    static let prefix = "drover:v1:abcd1234:"

    /// The records of `data` by the name in their comment (the parent job id), in the order given.
    static func parsed(_ data: Data) throws -> [(name: String, task: SlurmTask)] {
        try SlurmTask.parse(data, commentPrefix: prefix).map { task in
            (SlurmComment(task.comment)?.parent ?? "?", task)
        }
    }

    /// The attempts each record stands for, by Drover job id, with the id `scancel` takes and the verdict.
    static func attempts(_ data: Data) throws -> [String: (clusterId: String, verdict: SlurmVerdict)] {
        var result: [String: (String, SlurmVerdict)] = [:]
        for task in try SlurmTask.parse(data, commentPrefix: prefix) {
            let comment = try #require(SlurmComment(task.comment))
            for (key, clusterId) in SlurmExecutor.keys(of: task, comment: comment) {
                #expect(key.attempt == 1)
                result[key.jobId] = (clusterId, SlurmVerdict.decide(task))
            }
        }
        return result
    }

    // MARK: - Slurm 22.05, captured here

    @Test func recordsOfOtherStateDirectoriesAndOtherUsersAreLeftOut() throws {
        let names = try Self.parsed(SlurmSamples.running).map(\.name)
        #expect(names == ["plain", "fail", "sig", "arr", "arr", "arr", "list", "step"])
        #expect(try SlurmTask.parse(SlurmSamples.running, commentPrefix: "drover:v1:0badcafe:").isEmpty)
        #expect(try SlurmTask.parse(SlurmSamples.running, commentPrefix: "drover:v1:abcd123:").isEmpty, "a tag is matched whole")
    }

    @Test func runningTasksAndPendingRecords() throws {
        let tasks = try Self.parsed(SlurmSamples.running)
        let plain = try #require(tasks.first { $0.name == "plain" }?.task)
        #expect(plain == SlurmTask(jobId: 1, arrayJobId: nil, arrayTaskId: nil, indices: [], state: "RUNNING", waitStatus: 0, nodes: "h1",
                                   reason: "None", comment: "drover:v1:abcd1234:plain:1:-:30:0:tok", startTime: 1_796_072_242,
                                   endTime: 1_827_608_242, restarts: 0))
        #expect(plain.clusterId == "1")
        let array = tasks.filter { $0.name == "arr" }.map(\.task)
        #expect(array.map(\.clusterId) == ["4_0", "4_1", "4"])
        #expect(array.map(\.jobId) == [8, 9, 4] && array.allSatisfy { $0.arrayJobId == 4 })
        #expect(array.map(\.indices) == [[], [], Array(3...9)])

        let attempts = try Self.attempts(SlurmSamples.running)
        #expect(attempts["plain"]?.verdict == .running(host: "h1", startedAt: 1_796_072_242_000))
        #expect(attempts["arr:0"]?.clusterId == "4_0" && attempts["arr:0"]?.verdict == .running(host: "h2", startedAt: 1_796_072_242_000))
        for index in 3...9 {
            #expect(attempts["arr:\(index)"]?.clusterId == "4_\(index)" && attempts["arr:\(index)"]?.verdict == .waiting)
        }
        #expect(Set(attempts.keys.filter { $0.hasPrefix("list:") }) == ["list:2", "list:5", "list:7"])
        #expect(attempts["list:5"]?.clusterId == "5_5")
        #expect(Set(attempts.keys.filter { $0.hasPrefix("step:") }) == ["step:1", "step:3", "step:5", "step:7", "step:9"])
    }

    @Test func exitCodesAndSignals() throws {
        let attempts = try Self.attempts(SlurmSamples.running)
        #expect(attempts["fail"]?.verdict == .ended(SlurmVerdict.SlurmEnd(exitCode: 3)))
        #expect(attempts["sig"]?.verdict == .ended(SlurmVerdict.SlurmEnd(signal: SIGKILL)))
    }

    @Test func howTasksEnded() throws {
        let attempts = try Self.attempts(SlurmSamples.ended)
        let cancelled = SlurmVerdict.ended(SlurmVerdict.SlurmEnd(signal: SIGTERM))
        #expect(attempts["plain"]?.verdict == cancelled)
        #expect(attempts["arr:0"]?.verdict == cancelled)
        #expect(attempts["arr:2"]?.verdict == cancelled, "scancel --signal=TERM --full: FAILED 0:15")
        var neverStarted = SlurmVerdict.SlurmEnd()
        neverStarted.neverStarted = true
        // Cancelling an array's pending record ends every task it stands for, none of which ran; a cancelled pending
        // array keeps its step notation.
        for index in 7...9 { #expect(attempts["arr:\(index)"]?.verdict == .ended(neverStarted), "arr:\(index)") }
        #expect(Set(attempts.keys.filter { $0.hasPrefix("list:") }) == ["list:2", "list:7"])
        #expect(attempts.keys.filter { $0.hasPrefix("big:") }.count == 150)
        #expect(attempts["big:298"]?.verdict == .ended(neverStarted))
        for index in 0...3 {
            #expect(attempts["afail:\(index)"]?.verdict == .ended(SlurmVerdict.SlurmEnd(exitCode: Int32(index))))
        }
        var timedOut = SlurmVerdict.SlurmEnd(signal: SIGTERM)
        timedOut.timedOut = true
        #expect(attempts["tmo"]?.verdict == .ended(timedOut))
        #expect(attempts["rq"]?.verdict == .requeued(host: nil))
        #expect(try Self.attempts(SlurmSamples.nodeFailed)["nf"]?.verdict == .ended(SlurmVerdict.SlurmEnd(hostLost: "h2")))
    }

    @Test func timesAndRestarts() throws {
        let tasks = try Self.parsed(SlurmSamples.ended)
        let timedOut = try #require(tasks.first { $0.name == "tmo" }?.task)
        #expect(timedOut.startTime == 1_796_072_407 && timedOut.endTime == 1_796_072_477 && timedOut.reason == "TimeLimit")
        #expect(tasks.first { $0.name == "rq" }?.task.restarts == 1)
    }

    @Test(arguments: ["", "{}", "[]", #"{"jobs": {}}"#, "not json", #"{"meta": {}, "errors": [{"error": "x"}]}"#])
    func outputWithoutAJobsListIsAnError(_ text: String) {
        #expect(throws: (any Error).self) { try SlurmTask.parse(Data(text.utf8), commentPrefix: Self.prefix) }
    }

    /// squeue exits 0 with an error report and an empty jobs list when the controller does not answer: that is not a
    /// cluster without tasks (read as one, every running attempt was recorded lost: see SlurmFaultTests).
    @Test func anErrorReportIsNotAnEmptyCluster() throws {
        let error = #expect(throws: DroverError.self) {
            try SlurmTask.parse(SlurmSamples.controllerUnreachable, commentPrefix: Self.prefix)
        }
        #expect(error?.message.contains("Failed while looking for jobs") == true, "\(String(describing: error))")
        // Later versions put notices in `warnings`; an empty `errors` list is no error.
        let fine = Data(#"{"errors": [], "warnings": [{"description": "x"}], "jobs": []}"#.utf8)
        #expect(try SlurmTask.parse(fine, commentPrefix: Self.prefix).isEmpty)
    }

    /// A pending list squeue cut short does not say which tasks wait: read as it is, the tasks past the cut looked
    /// gone (see SlurmFaultTests). Another user's cut list is no reason to fail.
    @Test func aPendingListSqueueCutShortIsAnError() throws {
        let error = #expect(throws: DroverError.self) { try SlurmTask.parse(SlurmSamples.cutList, commentPrefix: Self.prefix) }
        #expect(error?.message.contains("SLURM_BITSTR_LEN") == true)
        #expect(try SlurmTask.parse(SlurmSamples.cutList, commentPrefix: "drover:v1:0badcafe:").isEmpty)
    }

    @Test func anEmptyJobsListIsNoTasks() throws {
        #expect(try SlurmTask.parse(Data(#"{"jobs": []}"#.utf8), commentPrefix: Self.prefix).isEmpty)
    }

    /// A record Drover cannot read (no job id) is skipped, not fatal to the others.
    @Test func unreadableRecordsAreSkipped() throws {
        let text = #"""
            {"jobs": [{"comment": "drover:v1:abcd1234:a:1:-:30:0:t", "job_state": "RUNNING"},
                      {"job_id": "7", "comment": "drover:v1:abcd1234:b:1:-:30:0:t"},
                      {"job_id": 8, "comment": "drover:v1:abcd1234:c:1:-:30:0:t", "job_state": "RUNNING", "nodes": "h1", "start_time": 5}]}
            """#
        let tasks = try SlurmTask.parse(Data(text.utf8), commentPrefix: Self.prefix)
        #expect(tasks.map(\.jobId) == [8])
        #expect(tasks.first?.waitStatus == nil && tasks.first?.restarts == 0)
    }

    // MARK: - Later Slurm versions (hand-written in the shapes of data_parser v0.0.39 and later)

    static let later = Data(#"""
        {"jobs": [
          {"job_id": 101, "array_job_id": {"set": true, "infinite": false, "number": 100},
           "array_task_id": {"set": true, "infinite": false, "number": 3}, "array_task_string": "",
           "job_state": ["FAILED"], "state_reason": "NonZeroExitCode",
           "exit_code": {"status": ["EXITED"], "return_code": {"set": true, "infinite": false, "number": 3},
                         "signal": {"id": {"set": false, "infinite": false, "number": 0}, "name": ""}},
           "nodes": "n1", "comment": "drover:v1:abcd1234:exit:1:-:30:0:t", "restart_cnt": 0,
           "start_time": {"set": true, "infinite": false, "number": 1700000000}, "end_time": {"set": true, "infinite": false, "number": 1700000009}},
          {"job_id": 102, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "array_task_id": {"set": false, "infinite": false, "number": 0},
           "job_state": ["FAILED"], "state_reason": "JobLaunchFailure",
           "exit_code": {"status": ["SIGNALED"], "return_code": {"set": true, "infinite": false, "number": 0},
                         "signal": {"id": {"set": true, "infinite": false, "number": 9}, "name": "KILL"}},
           "nodes": "n2", "comment": "drover:v1:abcd1234:killed:1:-:30:0:t", "restart_cnt": 0,
           "start_time": {"set": true, "infinite": false, "number": 1700000000}},
          {"job_id": 100, "array_job_id": {"set": true, "infinite": false, "number": 100},
           "array_task_id": {"set": false, "infinite": false, "number": 0}, "array_task_string": "4-9:5,12%2",
           "job_state": ["PENDING"], "state_reason": "Priority",
           "exit_code": {"status": ["PENDING"], "return_code": {"set": false, "infinite": false, "number": 0},
                         "signal": {"id": {"set": false, "infinite": false, "number": 0}, "name": ""}},
           "nodes": "", "comment": "drover:v1:abcd1234:exit:1:-:30:0:t", "restart_cnt": 0,
           "start_time": {"set": true, "infinite": false, "number": 1800000000}},
          {"job_id": 103, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "array_task_id": {"set": false, "infinite": false, "number": 0},
           "job_state": ["PENDING", "REQUEUED"], "state_reason": "BeginTime",
           "exit_code": {"status": ["PENDING"], "return_code": {"set": false, "infinite": false, "number": 0}},
           "nodes": "", "comment": "drover:v1:abcd1234:requeued:1:-:30:0:t", "restart_cnt": 1,
           "start_time": {"set": true, "infinite": false, "number": 1800000000}},
          {"job_id": 104, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "array_task_id": {"set": false, "infinite": false, "number": 0},
           "job_state": ["RUNNING"], "state_reason": "None",
           "exit_code": {"status": ["PENDING"], "return_code": {"set": false, "infinite": false, "number": 0}},
           "nodes": "n3", "comment": "drover:v1:abcd1234:running:1:-:30:0:t", "restart_cnt": 0,
           "start_time": {"set": true, "infinite": false, "number": 1700000000},
           "end_time": {"set": true, "infinite": true, "number": 0}},
          {"job_id": 105, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "array_task_id": {"set": false, "infinite": false, "number": 0},
           "job_state": ["COMPLETED", "COMPLETING"], "state_reason": "None",
           "exit_code": {"status": ["SUCCESS"], "return_code": {"set": true, "infinite": false, "number": 0},
                         "signal": {"signal_id": {"set": false, "infinite": false, "number": 0}, "name": ""}},
           "nodes": "n1", "comment": "drover:v1:abcd1234:done:1:-:30:0:t", "restart_cnt": 0,
           "start_time": {"set": true, "infinite": false, "number": 1700000000}},
          {"job_id": 106, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "array_task_id": {"set": false, "infinite": false, "number": 0},
           "job_state": ["CANCELLED"], "state_reason": "None",
           "exit_code": {"status": ["SIGNALED"], "return_code": {"set": true, "infinite": false, "number": 0},
                         "signal": {"signal_id": {"set": true, "infinite": false, "number": 15}, "name": "TERM"}},
           "nodes": "n2", "comment": "drover:v1:abcd1234:cancelled:1:-:30:0:t", "restart_cnt": 0,
           "start_time": {"set": true, "infinite": false, "number": 1700000000}},
          {"job_id": 107, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "array_task_id": {"set": false, "infinite": false, "number": 0},
           "job_state": [], "nodes": "", "comment": "drover:v1:abcd1234:stateless:1:-:30:0:t"},
          {"job_id": 108, "array_job_id": {"set": true, "infinite": false, "number": 0},
           "job_state": ["RUNNING"], "nodes": "n1", "comment": "someone else's",
           "start_time": {"set": true, "infinite": false, "number": 1700000000}}
        ]}
        """#.utf8)

    @Test func numbersAsSetObjects() throws {
        let tasks = try Self.parsed(Self.later)
        #expect(tasks.map(\.name) == ["exit", "killed", "exit", "requeued", "running", "done", "cancelled", "stateless"])
        let task = tasks[0].task
        #expect(task.jobId == 101 && task.arrayJobId == 100 && task.arrayTaskId == 3 && task.clusterId == "100_3")
        #expect(task.startTime == 1_700_000_000 && task.endTime == 1_700_000_009)
        // An unset array id is a plain job; an unset task id on an array is its pending record.
        #expect(tasks[1].task.arrayJobId == nil && tasks[1].task.arrayTaskId == nil && tasks[1].task.clusterId == "102")
        #expect(tasks[2].task.arrayTaskId == nil && tasks[2].task.indices == [4, 9, 12])
        #expect(tasks[4].task.endTime == 0, "an infinite end is no end")
    }

    @Test func statesAsListsAndExitCodesAsObjects() throws {
        let attempts = try Self.attempts(Self.later)
        #expect(attempts["exit:3"]?.verdict == .ended(SlurmVerdict.SlurmEnd(exitCode: 3)))
        #expect(attempts["exit:3"]?.clusterId == "100_3")
        for index in [4, 9, 12] { #expect(attempts["exit:\(index)"]?.verdict == .waiting) }
        #expect(attempts["killed"]?.verdict == .ended(SlurmVerdict.SlurmEnd(signal: SIGKILL)))
        #expect(attempts["requeued"]?.verdict == .requeued(host: nil))
        #expect(attempts["running"]?.verdict == .running(host: "n3", startedAt: 1_700_000_000_000))
        #expect(attempts["done"]?.verdict == .ended(SlurmVerdict.SlurmEnd(exitCode: 0)))
        #expect(attempts["cancelled"]?.verdict == .ended(SlurmVerdict.SlurmEnd(signal: SIGTERM)))
        #expect(attempts["stateless"]?.verdict == .waiting)
    }

    @Test(arguments: [
        (#"768"#, Int32?(768)), (#"9"#, 9), (#"null"#, nil),
        (#"{"return_code": {"set": true, "number": 3}, "signal": {"id": {"set": true, "number": 9}, "name": "KILL"}}"#, 9),
        (#"{"return_code": {"set": true, "number": 3}, "signal": {"id": {"set": true, "number": 0}, "name": ""}}"#, 768),
        (#"{"return_code": 1}"#, 256), (#"{"return_code": {"set": true, "number": 0}}"#, 0), (#"{"status": ["PENDING"]}"#, nil),
        (#"{"signal": {"signal_id": 15}}"#, 15),
    ])
    func waitStatusShapes(_ json: String, _ expected: Int32?) throws {
        let object = try JSONSerialization.jsonObject(with: Data(#"{"value": \#(json)}"#.utf8)) as? [String: Any]
        #expect(SlurmTask.waitStatus(object?["value"]) == expected, "\(json)")
    }

    @Test(arguments: [
        (#""RUNNING""#, "RUNNING"), (#"["PENDING", "REQUEUED"]"#, "PENDING"), (#"["COMPLETED"]"#, "COMPLETED"), (#"[]"#, "UNKNOWN"),
        (#"null"#, "UNKNOWN"), (#"7"#, "UNKNOWN"),
    ])
    func stateShapes(_ json: String, _ expected: String) throws {
        let object = try JSONSerialization.jsonObject(with: Data(#"{"value": \#(json)}"#.utf8)) as? [String: Any]
        #expect(SlurmTask.state(object?["value"]) == expected, "\(json)")
    }
}
