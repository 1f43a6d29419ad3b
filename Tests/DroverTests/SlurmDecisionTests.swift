import DroverCore
@testable import DroverEngine
import Foundation
import Testing

/// What a Slurm task's record means for its Drover attempt (``SlurmVerdict``), decided in-process from tables: every
/// job state Slurm reports, with the exit codes, signals and node lists seen on this machine's Slurm 22.05.
struct SlurmDecisionTests {
    /// A task record as `squeue --json` gives it (only the fields the verdict reads).
    static func task(_ state: String, exit status: Int32? = 0, nodes: String = "", start: Int64 = 0, restarts: Int = 0,
                     reason: String = "None") -> SlurmTask {
        SlurmTask(jobId: 42, arrayJobId: nil, arrayTaskId: nil, indices: [], state: state, waitStatus: status, nodes: nodes, reason: reason,
                  comment: "", startTime: start, restarts: restarts)
    }

    /// When the tasks of these tables started (epoch seconds, as Slurm gives it).
    static let started: Int64 = 1_796_072_242
    /// The start Slurm forecasts for a task that waits (a pending record always has one).
    static let forecast: Int64 = 1_827_608_243

    static func end(exitCode: Int32? = nil, signal: Int32? = nil, hostLost: String? = nil, neverStarted: Bool = false,
                    timedOut: Bool = false, outOfMemory: Bool = false) -> SlurmVerdict {
        var end = SlurmVerdict.SlurmEnd(exitCode: exitCode, signal: signal, hostLost: hostLost)
        end.neverStarted = neverStarted
        end.timedOut = timedOut
        end.outOfMemory = outOfMemory
        return .ended(end)
    }

    // MARK: - States that are not an end

    @Test(arguments: [
        // Queued: nothing to report, whatever start Slurm forecasts.
        ("queued", task("PENDING", nodes: "", start: forecast, reason: "Resources"), SlurmVerdict.waiting),
        ("nodes being readied", task("CONFIGURING", nodes: "", start: forecast), .waiting),
        ("running", task("RUNNING", nodes: "h1", start: started), .running(host: "h1", startedAt: started * 1000)),
        ("running, no node listed yet", task("RUNNING", nodes: "", start: started), .waiting),
        // Its processes are being stopped, or it is paused: it still holds the node.
        ("completing", task("COMPLETING", nodes: "h2", start: started), .running(host: "h2", startedAt: started * 1000)),
        ("suspended", task("SUSPENDED", nodes: "h3", start: started), .running(host: "h3", startedAt: started * 1000)),
        ("stopped", task("STOPPED", nodes: "h3", start: started), .running(host: "h3", startedAt: started * 1000)),
    ])
    func notEnded(_ what: String, _ task: SlurmTask, _ expected: SlurmVerdict) {
        #expect(SlurmVerdict.decide(task) == expected, "\(what)")
    }

    // MARK: - Requeued by Slurm: the attempt ended with its host lost

    @Test(arguments: [
        // The shape seen here after a node failure with --requeue: PENDING again, Restarts=1, no node, BeginTime.
        ("pending again after a restart", task("PENDING", nodes: "", start: forecast, restarts: 1, reason: "BeginTime"), "h2", "h2"),
        ("pending again, host unknown", task("PENDING", nodes: "", start: forecast, restarts: 1, reason: "BeginTime"), nil, nil),
        ("requeued", task("REQUEUED", nodes: "h1", start: started, restarts: 1), nil, "h1"),
        ("held after a requeue", task("REQUEUE_HOLD", nodes: "", start: forecast, restarts: 1, reason: "JobHeldAdmin"), "h3", "h3"),
        ("federation requeue", task("REQUEUE_FED", nodes: "", start: forecast, restarts: 2), "h1", "h1"),
    ] as [(String, SlurmTask, String?, String?)])
    func requeued(_ what: String, _ task: SlurmTask, _ known: String?, _ host: String?) {
        #expect(SlurmVerdict.decide(task, host: known) == .requeued(host: host), "\(what)")
    }

    // MARK: - Ends

    @Test(arguments: [
        // Exit codes and signals, with the raw wait status 22.05 gives (`exit 3` is 768: ExitCode=3:0).
        ("completed", task("COMPLETED", exit: 0, nodes: "h1", start: started), end(exitCode: 0)),
        ("exit 3", task("FAILED", exit: 768, nodes: "h1", start: started, reason: "NonZeroExitCode"), end(exitCode: 3)),
        ("exit 255", task("FAILED", exit: 255 << 8, nodes: "h1", start: started, reason: "NonZeroExitCode"), end(exitCode: 255)),
        // Killed by SIGKILL: 22.05 says FAILED, JobLaunchFailure, ExitCode=0:9 (seen with `kill -9 $$`).
        ("killed by SIGKILL", task("FAILED", exit: 9, nodes: "h2", start: started, reason: "JobLaunchFailure"), end(signal: SIGKILL)),
        ("killed by SIGTERM", task("FAILED", exit: 15, nodes: "h2", start: started, reason: "JobLaunchFailure"), end(signal: SIGTERM)),
        ("segfault with a core dump", task("FAILED", exit: 0x80 | 11, nodes: "h2", start: started), end(signal: SIGSEGV)),
        ("special exit", task("SPECIAL_EXIT", exit: 768, nodes: "h1", start: started), end(exitCode: 3)),
        // scancel of a task that ran: the signal it died of; with no status, SIGTERM (what scancel sends first).
        ("cancelled after it ran", task("CANCELLED", exit: 15, nodes: "h1", start: started), end(signal: SIGTERM)),
        ("cancelled after it ran, killed", task("CANCELLED", exit: 9, nodes: "h1", start: started), end(signal: SIGKILL)),
        ("cancelled after it ran, no status", task("CANCELLED", exit: 0, nodes: "h1", start: started), end(signal: SIGTERM)),
        ("cancelled after it ran, exited first", task("CANCELLED", exit: 768, nodes: "h1", start: started), end(exitCode: 3)),
        // scancel of a task that waited: no node, a start time equal to the cancel time. Nothing ran.
        ("cancelled before it ran", task("CANCELLED", exit: 0, nodes: "", start: started, reason: "Priority"), end(neverStarted: true)),
        // Slurm's own time limit (Drover's is enforced before it): a timeout, killed by SIGTERM.
        ("timed out", task("TIMEOUT", exit: 15, nodes: "h1", start: started, reason: "TimeLimit"), end(signal: SIGTERM, timedOut: true)),
        ("timed out, no status", task("TIMEOUT", exit: 0, nodes: "h1", start: started), end(signal: SIGTERM, timedOut: true)),
        // The node went (no --requeue, as Drover submits): the host is lost, no exit code.
        ("node failed", task("NODE_FAIL", exit: 0, nodes: "h2", start: started, reason: "NodeDown"), end(hostLost: "h2")),
        ("node failed, processes killed on return", task("NODE_FAIL", exit: 15, nodes: "h2", start: started), end(hostLost: "h2")),
        ("preempted", task("PREEMPTED", exit: 15, nodes: "h3", start: started), end(hostLost: "h3")),
        ("boot failure of a node it held", task("BOOT_FAIL", exit: 0, nodes: "h1", start: started), end(hostLost: "h1")),
        ("out of memory", task("OUT_OF_MEMORY", exit: 9, nodes: "h1", start: started), end(signal: SIGKILL, outOfMemory: true)),
    ])
    func ended(_ what: String, _ task: SlurmTask, _ expected: SlurmVerdict) {
        #expect(SlurmVerdict.decide(task) == expected, "\(what)")
    }

    /// Ends of tasks that never ran: a failure to start, with Slurm's state and reason in the message.
    @Test(arguments: [
        ("NODE_FAIL", "NodeDown", nil as Int32?), ("PREEMPTED", "None", 0), ("BOOT_FAIL", "NodeDown", 0),
        ("COMPLETED", "None", nil), ("FAILED", "BadConstraints", nil),
    ])
    func neverRan(_ state: String, _ reason: String, _ status: Int32?) throws {
        let verdict = SlurmVerdict.decide(Self.task(state, exit: status, nodes: "", start: Self.forecast, reason: reason))
        guard case .ended(let end) = verdict, let message = end.launchError else {
            Issue.record("\(state): \(verdict)")
            return
        }
        #expect(message.contains(state) && message.contains(reason), "\(message)")
        #expect(end.exitCode == nil && end.signal == nil && end.hostLost == nil)
    }

    @Test(arguments: ["DEADLINE", "REVOKED"])
    func endedBeforeItRan(_ state: String) {
        let verdict = SlurmVerdict.decide(Self.task(state, nodes: "", start: Self.forecast))
        guard case .ended(let end) = verdict else {
            Issue.record("\(state): \(verdict)")
            return
        }
        #expect(end.launchError?.contains(state) == true)
    }

    /// A node the engine saw the task run on counts when the record no longer lists it.
    @Test func aKnownHostMakesANodeFailureAHostLoss() {
        let record = Self.task("NODE_FAIL", exit: 0, nodes: "", start: Self.started)
        #expect(SlurmVerdict.decide(record, host: "h2") == Self.end(hostLost: "h2"))
        #expect(SlurmVerdict.decide(Self.task("CANCELLED", exit: 15, nodes: "", start: Self.started), host: "h1") == Self.end(signal: SIGTERM))
    }

    /// States a later Slurm may add: running where a node is listed, waiting where none is.
    @Test func unknownStatesWaitOrRun() {
        #expect(SlurmVerdict.decide(Self.task("RESV_DEL_HOLD", nodes: "", start: Self.forecast)) == .waiting)
        #expect(SlurmVerdict.decide(Self.task("SOMETHING_NEW", nodes: "h1", start: Self.started))
            == .running(host: "h1", startedAt: Self.started * 1000))
        #expect(SlurmVerdict.decide(Self.task("UNKNOWN", nodes: "", start: 0)) == .waiting)
    }

    // MARK: - Wait statuses

    @Test(arguments: [
        (Int32(768), Int32?(3), Int32?.none), (9, nil, 9), (0, 0, nil), (256, 1, nil), (15, nil, 15), (0x8b, nil, 11), (0xff00, 255, nil),
    ])
    func waitStatus(_ status: Int32, _ exitCode: Int32?, _ signal: Int32?) {
        let end = SlurmVerdict.status(status, default: nil)
        #expect(end.exitCode == exitCode && end.signal == signal, "\(status): \(end)")
    }

    /// No status: the default signal, if any; a zero status with a default signal is that signal.
    @Test func aMissingStatusIsTheDefaultSignal() {
        #expect(SlurmVerdict.status(nil, default: SIGTERM) == SlurmVerdict.SlurmEnd(signal: SIGTERM))
        #expect(SlurmVerdict.status(nil, default: nil) == SlurmVerdict.SlurmEnd())
        #expect(SlurmVerdict.status(0, default: SIGTERM) == SlurmVerdict.SlurmEnd(signal: SIGTERM))
    }
}

/// The `--comment` that lets a restarted engine find its tasks, and Slurm's array index lists.
struct SlurmCommentTests {
    @Test(arguments: [
        SlurmComment(tag: "9f3a01c2", parent: "k3x9m2qd", attempt: 1, timeoutSeconds: nil, graceSeconds: 30, token: "1x2y3z"),
        SlurmComment(tag: "0", parent: "abcdefgh", attempt: 10, timeoutSeconds: 2, graceSeconds: 0.5, token: "t"),
        SlurmComment(tag: "ffffffff", parent: "zzzzzzzz", attempt: 3, timeoutSeconds: 31_536_000, graceSeconds: 30, token: "3w5e11264sgsf"),
        SlurmComment(tag: "1", parent: "p", attempt: 2, timeoutSeconds: 1.25, graceSeconds: 2.5, token: "a"),
    ])
    func roundTrip(_ comment: SlurmComment) {
        #expect(comment.text.hasPrefix(SlurmComment.prefix))
        #expect(SlurmComment(comment.text) == comment, "\(comment.text)")
    }

    @Test func theTextIsWhatTheDocumentationSays() {
        let comment = SlurmComment(tag: "9f3a01c2", parent: "k3x9m2qd", attempt: 2, timeoutSeconds: 90, graceSeconds: 30, token: "tok")
        #expect(comment.text == "drover:v1:9f3a01c2:k3x9m2qd:2:90:30:0:tok")
        let untimed = SlurmComment(tag: "9f3a01c2", parent: "k3x9m2qd", attempt: 1, timeoutSeconds: nil, graceSeconds: 0.5, token: "tok")
        #expect(untimed.text == "drover:v1:9f3a01c2:k3x9m2qd:1:-:0.5:0:tok")
    }

    @Test(arguments: [
        "", "foreign", "my job", "drover", "drover:v1:", "drover:v2:9f3a01c2:k3x9m2qd:1:-:30:tok", "Drover:v1:9f3a01c2:k3x9m2qd:1:-:30:tok",
        "drover:v1:9f3a01c2:k3x9m2qd:1:-:30", "drover:v1:9f3a01c2:k3x9m2qd:1:-:30:tok:extra", "drover:v1:9f3a01c2:k3x9m2qd:one:-:30:tok",
        "drover:v1:9f3a01c2:k3x9m2qd:1:-:soon:tok", " drover:v1:9f3a01c2:k3x9m2qd:1:-:30:tok",
    ])
    func foreignCommentsAreRefused(_ text: String) {
        #expect(SlurmComment(text) == nil, "\(text)")
    }
}

struct SlurmArrayIndicesTests {
    @Test(arguments: [
        ("0-9", Array(0...9)), ("2,5,7", [2, 5, 7]), ("1-9:2%3", [1, 3, 5, 7, 9]), ("1,3,5,7,9%3", [1, 3, 5, 7, 9]),
        ("0-298:2", Array(stride(from: 0, through: 298, by: 2))), ("7", [7]), ("0-3,10,12-13", [0, 1, 2, 3, 10, 12, 13]),
        ("0-9%1", Array(0...9)), ("", []), ("x", []), ("9-3", []),
    ])
    func expand(_ text: String, _ indices: [Int]) {
        #expect(SlurmArrayIndices.expand(text) == indices, "\(text)")
    }

    @Test(arguments: [
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "0-9"), ([2, 5, 7], "2,5,7"), ([7], "7"), ([9, 3, 4, 5, 0], "0,3-5,9"), ([1, 1, 2], "1-2"),
        ([0, 2, 3, 999_999], "0,2-3,999999"),
    ])
    func compact(_ indices: [Int], _ text: String) {
        #expect(SlurmArrayIndices.compact(indices) == text)
    }

    /// Whatever Drover submits, Slurm's list reads back as the same indices.
    @Test(arguments: [[0], Array(0..<300), [2, 5, 7], Array(stride(from: 1, to: 300, by: 3)), [0, 1, 2, 10, 11, 299], Array(0..<1_000_000)])
    func roundTrip(_ indices: [Int]) {
        #expect(SlurmArrayIndices.expand(SlurmArrayIndices.compact(indices)) == indices)
    }
}
