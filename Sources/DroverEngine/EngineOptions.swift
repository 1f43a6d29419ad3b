import DroverCore
import DroverStore
import Foundation
import Logging

/// Settings of an ``Engine``, with defaults suited to a workstation.
public struct EngineOptions: Sendable {
    /// How often the engine looks for work and requests from other `drover` processes (seconds).
    public var pollInterval: Double = 0.2
    /// Seconds between SIGTERM and SIGKILL when a job times out or is terminated (AWS: 30).
    /// `DROVER_KILL_GRACE_SECONDS` overrides the default.
    public var killGraceSeconds: Double = 30
    /// Memory every compute environment may hand out, in MiB (default: this machine's memory).
    public var memoryMiB: Int = Int(ProcessInfo.processInfo.physicalMemory / 1_048_576)
    /// Seed of the spot simulation: the same seed draws the same instance ids, reclaims and shortages.
    public var seed: UInt64 = UInt64.random(in: 1...999_999)
    /// Simulated seconds per real second, for interruption rates, notices, start-up delays and cost.
    public var timeScale: Double = 1
    /// Processes that may run at once on simulated environments (their instances are make-believe,
    /// this machine's cores are not). Default: the number of cores.
    public var hostSlots: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Where the engine says what it does: start and stop (info), attempts adopted at start and
    /// each attempt's end (info), retries (info), starts (debug), waits on the store, a lost
    /// supervisor and failed starts (warning). Default: a logger that discards everything.
    public var logger = Logger(label: "drover.engine", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Seconds job events are kept in the store before the engine forgets them (`drover serve
    /// --events-retention-hours`; default a week).
    public var eventRetentionSeconds: Double = 7 * 86_400
    /// Where the engine reads the time (the machine's clocks by default; tests move their own).
    public var clock: any EngineClock = SystemClock()
    /// What the engine measures (``EngineMetrics``); by default nothing.
    public var metrics = EngineMetrics.disabled
    /// A job as `DescribeJobs` shows it (the result of a workflow's `.sync` task); nil: the store's short record.
    public var describeJob: @Sendable (String) -> JSONValue? = { _ in nil }
    /// The machine a workflow execution runs: its definition read (``WorkflowMachines`` by default).
    public var workflowMachine: @Sendable (ExecutionRecord) -> StateMachine? = WorkflowMachines().machine

    /// Creates options from defaults and the environment.
    public init() {
        if let text = ProcessInfo.processInfo.environment["DROVER_KILL_GRACE_SECONDS"], let value = Double(text), value >= 0 {
            killGraceSeconds = value
        }
    }
}
