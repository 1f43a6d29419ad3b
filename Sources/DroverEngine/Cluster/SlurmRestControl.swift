import DroverCore
import Foundation

/// Reaches a Slurm cluster through slurmrestd's REST API v0.0.38 (Slurm 22.05): `POST /job/submit`, `GET /jobs`
/// (the same records as `squeue --json`), `DELETE /job/ARRAYID_INDEX?signal=N` for each task, `GET /nodes`.
///
/// Authentication is JWT: the engine's user name and the token in its `SLURM_JWT` variable. A token that cannot
/// work (missing, not a JWT, expired, another user's: ``SlurmToken``) or that slurmrestd refuses (401, 403) is an
/// error that says what to do, never a reason to retry; an unreachable slurmrestd is an unreachable controller (the
/// caller looks for a submission before making it again).
final class SlurmRestControl: SlurmControl {
    let name: String
    private let client: PlainHTTPClient
    private let user: String
    private let token: String
    /// The engine's environment, which each job gets as `sbatch` would pass it (less the token).
    private let jobEnvironment: [String: String]
    /// The environments that use this slurmrestd, for messages.
    var environments: Set<String> = []

    /// A control of the slurmrestd at `url`, with the engine's `environment` (`SLURM_JWT`) and user name `user`.
    init(url: String, environment: [String: String], user: String) {
        name = "slurmrestd \(url)"
        self.user = user
        token = environment["SLURM_JWT"] ?? ""
        client = PlainHTTPClient(server: url, headers: [("X-SLURM-USER-NAME", user), ("X-SLURM-USER-TOKEN", token)])
        jobEnvironment = environment.filter { $0.key != "SLURM_JWT" }
    }

    /// The engine's user name (what `X-SLURM-USER-NAME` says; the token must be this user's).
    static func engineUser() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return ProcessInfo.processInfo.environment["USER"] ?? "root" }
        return String(cString: name)
    }

    private var usedBy: String {
        environments.isEmpty ? "" : " (environment \(environments.sorted().joined(separator: ", ")))"
    }

    /// Why the token cannot work (`problem`), or why slurmrestd refused it (HTTP `status`), and what to do.
    private func authProblem(_ problem: String) -> SlurmControlError {
        let fix = "set SLURM_JWT in the engine's environment to a token of user \(user) (`scontrol token username=\(user)`) and start the engine again"
        return SlurmControlError(message: "\(name)\(usedBy) needs a valid token: \(problem): \(fix)", transient: false)
    }

    /// Sends a request; a refused token and an unreachable server become errors, any other answer is returned.
    private func request(_ method: String, _ path: String, body: Data? = nil) -> Result<(status: Int, body: Data), SlurmControlError> {
        if let problem = SlurmToken.problem(token, user: user, now: Date()) { return .failure(authProblem(problem)) }
        switch client.send(method, SlurmRestMapping.base + path, body: body) {
        case .unreachable(let why):
            return .failure(SlurmControlError(message: "\(name) cannot be reached: \(why)"))
        case .answered(let status, _) where status == 401 || status == 403:
            return .failure(authProblem("it refused the token (HTTP \(status))"))
        case .answered(let status, let body):
            return .success((status, body))
        }
    }

    func submit(_ submission: SlurmSubmission) -> SlurmSubmitResult {
        environments.insert(submission.cluster.environment)
        let body = SlurmRestMapping.submitBody(submission, environment: jobEnvironment)
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else {
            return .notMade("cannot write the submission as JSON")
        }
        switch request("POST", "/job/submit", body: data) {
        case .failure(let error):
            return .failed(message: error.message, unreachable: error.transient)
        case .success(let answer):
            return SlurmRestMapping.submitted(answer.body, status: answer.status)
        }
    }

    func tasks(commentPrefix: String) -> Result<[SlurmTask], SlurmControlError> {
        request("GET", "/jobs").flatMap { answer in
            do {
                return .success(try SlurmTask.parse(answer.body, commentPrefix: commentPrefix))
            } catch {
                let message = (error as? DroverError)?.message ?? "\(error)"
                let said = answer.status == 200 ? message : "HTTP \(answer.status): \(message)"
                return .failure(SlurmControlError(message: "\(name): cannot list the jobs (\(said))"))
            }
        }
    }

    /// `GET /jobs` lists every job with its wait status: one request, whatever `jobs` holds.
    func liveTasks(jobs: [String], commentPrefix: String) -> Result<[SlurmTask], SlurmControlError> {
        tasks(commentPrefix: commentPrefix)
    }

    /// One `DELETE /job/ID` per task: v0.0.38 takes one id (`123` or `123_4`) per request; it signals every process
    /// of the task (sbatch's `--full`), and with no signal it sends SIGKILL, which takes a queued task out of the queue.
    func cancel(_ ids: [String], signal: Int32?) {
        let query = "?signal=\(signal ?? SIGKILL)"
        for id in ids {
            if case .failure(let error) = request("DELETE", "/job/\(id)\(query)"), !error.transient { return }
        }
    }

    /// v0.0.38 shows no configuration (`/diag` has no `MaxArraySize`): Slurm's default, 1001, the safe bound.
    func maxArraySize() -> Int { 1001 }

    func partitionNodes(_ partition: String) -> Result<SlurmPartitionNodes, DroverError> {
        switch request("GET", "/nodes") {
        case .failure(let error):
            return .failure(DroverError(error.message, exitCode: 1))
        case .success(let answer):
            do throws(DroverError) {
                return .success(try SlurmRestMapping.partitionNodes(answer.body, partition: partition))
            } catch {
                return .failure(error)
            }
        }
    }
}
