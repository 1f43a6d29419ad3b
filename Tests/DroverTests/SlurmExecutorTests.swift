import DroverCore
@testable import DroverEngine
import Foundation
import Logging
import Testing

/// The Slurm executor on its own, against a real cluster.
@Suite(.serialized) struct SlurmExecutorTests {
    /// An attempt that did not count gives its number to the job's next attempt (a held task dropped, then released at
    /// once): the old attempt's acknowledgement, asked for first, must not land on the new launch, even when the
    /// executor's thread gathers that launch while it waits for more.
    @Test func anAcknowledgementLandsBeforeALaunchThatReusesItsKey() throws {
        let cluster = try SlurmCluster()
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.stateDir, withIntermediateDirectories: true)
        setenv("SLURM_CONF", cluster.environment["SLURM_CONF"] ?? "", 1)
        let executor = SlurmExecutor(stateDirectory: sandbox.stateDir, logger: Logger(label: "test"), required: { false })
        unsetenv("SLURM_CONF")
        let inbox = Inbox()
        _ = try executor.attach(inbox: inbox)
        defer { executor.detach() }
        func launch(_ key: AttemptKey) -> AttemptLaunch {
            var launch = AttemptLaunch(key: key, executable: nil, command: ["true"], environment: [], workingDirectory: sandbox.root.path,
                                       logPath: sandbox.root.appendingPathComponent("\(key.jobId).log").path, timeoutSeconds: nil,
                                       graceSeconds: 5)
            launch.cluster = ClusterLaunch(slurm: SlurmSettings(partition: "spot"), environment: "hpc", jobName: "t", variables: [])
            return launch
        }
        var exits: [AttemptKey: Int] = [:]
        func ends(_ key: AttemptKey) -> Int {
            for case .exited(let exit) in inbox.drain() { exits[exit.key, default: 0] += 1 }
            return exits[key] ?? 0
        }
        let key = AttemptKey(jobId: "reused", attempt: 1)
        executor.launch(launch(key))
        executor.flush()
        try eventually(within: 60, "the first task to end") { ends(key) == 1 }
        executor.launch(launch(AttemptKey(jobId: "other", attempt: 1)))
        executor.flush()
        // The executor's thread takes that launch and waits a little for more; meanwhile the engine acknowledges the
        // ended attempt and launches its key again.
        Thread.sleep(forTimeInterval: 0.02)
        executor.acknowledge([key])
        executor.launch(launch(key))
        executor.flush()
        try eventually(within: 60, "the second task's end") { ends(key) == 2 }
    }
}
