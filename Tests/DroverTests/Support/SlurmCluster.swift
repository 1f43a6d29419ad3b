import Foundation
import Testing

/// A real Slurm cluster for one test (`scripts/slurm-cluster`: munge, slurmctld and N slurmd hosts in network
/// namespaces on this machine), stopped and removed when the value goes away.
final class SlurmCluster {
    let directory: String
    /// What a client of the cluster needs (`SLURM_CONF`).
    let environment: [String: String]
    /// With `restd`, slurmrestd's URL and a token for this user (`SLURMRESTD_URL`, `SLURM_JWT`).
    let restd: (url: String, token: String)?
    static let script = Sandbox.packageRoot.appendingPathComponent("scripts/slurm-cluster").path

    init(hosts: Int = 3, cpus: Int = 2, restd: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-slurm-\(UUID().uuidString.prefix(8))").path
        let result = try Self.run(["up", "--hosts", "\(hosts)", "--cpus", "\(cpus)", "--dir", directory] + (restd ? ["--restd"] : []))
        guard result.status == 0 else {
            throw ClusterError(message: "scripts/slurm-cluster up failed (\(result.status)): \(result.error)")
        }
        environment = ["SLURM_CONF": "\(directory)/slurm.conf"]
        var exports: [String: String] = [:]
        for line in result.output.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { exports[pair[0]] = pair[1] }
        }
        if restd {
            guard let url = exports["SLURMRESTD_URL"], let token = exports["SLURM_JWT"] else {
                throw ClusterError(message: "scripts/slurm-cluster up --restd printed no SLURMRESTD_URL or SLURM_JWT: \(result.output)")
            }
            self.restd = (url, token)
        } else {
            self.restd = nil
        }
    }

    deinit {
        _ = try? Self.run(["down", "--dir", directory])
    }

    struct ClusterError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Takes host `name`'s link down (its tasks end NODE_FAIL once the controller notices).
    func cut(_ name: String) throws {
        let result = try Self.run(["cut", name, "--dir", directory])
        #expect(result.status == 0, "cut \(name): \(result.error)")
    }

    /// Brings host `name` back.
    func restore(_ name: String) throws {
        let result = try Self.run(["restore", name, "--dir", directory])
        #expect(result.status == 0, "restore \(name): \(result.error)")
    }

    /// Stops the cluster's slurmrestd (the controller goes on).
    func stopRestd() throws {
        let result = try Self.run(["stop-restd", "--dir", directory])
        #expect(result.status == 0, "stop-restd: \(result.error)")
    }

    /// Starts the cluster's slurmrestd again.
    func startRestd() throws {
        let result = try Self.run(["start-restd", "--dir", directory])
        #expect(result.status == 0, "start-restd: \(result.error)")
    }

    /// Every task Drover submitted, as `squeue --json` lists them: (Slurm array id, task index, state, node, comment).
    func droverTasks() throws -> [(arrayJob: Int, index: Int?, state: String, node: String, comment: String)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/squeue")
        process.arguments = ["--json", "--states=all"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (object?["jobs"] as? [[String: Any]] ?? []).compactMap { job in
            guard let comment = job["comment"] as? String, comment.hasPrefix("drover:") else { return nil }
            let array = (job["array_job_id"] as? Int).flatMap { $0 > 0 ? $0 : nil }
            return (array ?? (job["job_id"] as? Int ?? 0), array == nil ? nil : job["array_task_id"] as? Int,
                    job["job_state"] as? String ?? "", job["nodes"] as? String ?? "", comment)
        }
    }

    /// Runs `scripts/slurm-cluster ARGUMENTS` to its end (posix_spawn and waitpid: the script starts daemons that
    /// outlive it, and Foundation's Process was seen never to notice its end then).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-cluster-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let quoted = ([script] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let command = "\(quoted) </dev/null >'\(folder.path)/out' 2>'\(folder.path)/err'"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { throw ClusterError(message: "cannot run \(script): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOf: folder.appendingPathComponent("out"), encoding: .utf8)) ?? ""
        let error = (try? String(contentsOf: folder.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        return (status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output, error)
    }
}

/// An UNMANAGED environment `hpc` on partition `spot` of `vcpus`, and a queue `default` in front of it.
func slurmEnvironment(vcpus: Int = 6, extra: String = "") -> String {
    """
    computeEnvironments:
      - computeEnvironmentName: hpc
        type: UNMANAGED
        unmanagedvCpus: \(vcpus)
        slurm: {partition: spot\(extra)}
    jobQueues:
      - jobQueueName: default
        priority: 10
        computeEnvironmentOrder: [{order: 1, computeEnvironment: hpc}]

    """
}
