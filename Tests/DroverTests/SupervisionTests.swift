import DroverCore
import DroverStore
import Foundation
import Testing

/// The job supervisor: whole process trees end with their job, with cgroups or without, and a
/// cancel never reports a job that ran.
struct SupervisionTests {
    /// Processes whose environment names a job of `prefix` (a job id, or an array id and `:`).
    static func processes(of prefix: String) -> [Int32] {
        let own = getpid()
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = Int32(entry), pid != own,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { return nil }
            return data.range(of: Data("AWS_BATCH_JOB_ID=\(prefix)".utf8)) != nil ? pid : nil
        }
    }

    static let leaver = """
        jobDefinitions:
          - jobDefinitionName: leaver
            containerProperties:
              command: [sh, -c, "sleep 300 & setsid sleep 300 & (setsid sh -c 'sleep 300 & sleep 300') & sleep 0.3; exit ${CODE:-0}"]
              vcpus: 1
          - jobDefinitionName: leaver-long
            containerProperties:
              command: [sh, -c, "sleep 300 & setsid sleep 300 & sleep 300"]
              vcpus: 1
            timeout: {attemptDurationSeconds: 2}

        """

    @Test(arguments: [false, true])
    func backgroundAndSetsidChildrenEndWithTheJob(withoutCgroups: Bool) throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 4) + Self.leaver))
        try sandbox.serve(environment: withoutCgroups ? ["DROVER_NO_CGROUP": "1"] : [:])
        let succeeded = try sandbox.submit("-q", "default", "-d", "leaver")
        let failed = try sandbox.submit("-q", "default", "-d", "leaver", "--env", "CODE=3")
        let timedOut = try sandbox.submit("-q", "default", "-d", "leaver-long")
        let terminated = try sandbox.submit("-q", "default", "-d", "leaver-long")
        let store = try sandbox.store()
        try eventually(within: 30, "the jobs to run") { try store.job(terminated)?.status == .running }
        try eventually(within: 10, "the background processes to start") { Self.processes(of: terminated).count >= 3 }
        try sandbox.drover("terminate", terminated)
        try eventually(within: 30, "every job to end") {
            try [succeeded, failed, timedOut, terminated].allSatisfy { try store.job($0)?.status.isTerminal == true }
        }
        #expect(try store.job(succeeded)?.status == .succeeded)
        #expect(try store.job(failed)?.exitCode == 3)
        #expect(try store.job(timedOut)?.statusReason == Reasons.timeout)
        #expect(try store.job(terminated)?.statusReason == Reasons.terminatedByUser)
        for id in [succeeded, failed, timedOut, terminated] {
            try eventually(within: 5, "nothing of \(id) to be left") { Self.processes(of: id).isEmpty }
        }
    }

    @Test func cancellingAnArrayWhileItRunsNeverCancelsAChildThatStarted() throws {
        for round in 0..<3 {
            let sandbox = try Sandbox()
            try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 4) + """
                jobDefinitions:
                  - jobDefinitionName: mark
                    containerProperties: {command: [sh, -c, "echo $AWS_BATCH_JOB_ARRAY_INDEX >> starts; sleep 0.01"], vcpus: 1}

                """))
            let id = try sandbox.submit("-q", "default", "-d", "mark", "--array-size", "400")
            let store = try sandbox.store()
            try sandbox.serve()
            let threshold = 20 + 40 * round
            try eventually(within: 60, "\(threshold) children to finish") { (try store.childSummary(id).counts[.succeeded] ?? 0) >= threshold }
            #expect(try sandbox.drover("cancel", id).status == 0)
            try eventually(within: 60, "the array to end") { try store.job(id)?.status.isTerminal == true }
            let started = Set(try String(contentsOf: sandbox.root.appendingPathComponent("starts"), encoding: .utf8)
                .split(separator: "\n").compactMap { Int($0) })
            var cancelled = 0
            for index in 0..<400 {
                let child = try #require(try store.job("\(id):\(index)"))
                if child.statusReason == Reasons.cancelledByUser {
                    cancelled += 1
                    #expect(!started.contains(index), "child \(index) is recorded cancelled but it ran")
                    #expect(child.attempts == 0)
                } else {
                    #expect(child.status == .succeeded && started.contains(index), "child \(index): \(child.status)")
                }
            }
            #expect(cancelled > 0, "round \(round): the cancel came before the end")
        }
    }
}
