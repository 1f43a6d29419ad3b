import CDroverSpawn
import DroverCore
import Foundation
import Synchronization

/// Runs attempts as local processes under job supervisors (see `supervisor.c`) that outlive the
/// engine, as slurmstepd, containerd's shim and conmon outlive their daemons.
///
/// One supervisor serves an engine and, after it, every engine that connects to it: an engine that
/// dies or stops leaves its jobs running, and the next one adopts them. The supervisors of a state
/// directory live in `STATE/run`: `supervisor-PID.sock` to connect, `supervisor-PID.journal` with
/// every start and exit, read when a supervisor is gone.
public final class SupervisorExecutor: Executor {
    /// `STATE/run`.
    let runDirectory: String
    private var inbox = Inbox()
    private var connections: [Int32: SupervisorConnection] = [:]
    private var primary: SupervisorConnection?
    /// Which supervisor runs each attempt handed over or inherited.
    private var owner: [AttemptKey: Int32] = [:]
    /// Journals of supervisors that are gone, with the exits in them not yet acknowledged.
    private var deadJournals: [String: Set<AttemptKey>] = [:]
    /// Program names of attempts, for the message when one cannot be run.
    private let programs = ProgramNames()

    /// Creates an executor for the state directory `directory`.
    public init(stateDirectory directory: URL) {
        runDirectory = directory.appendingPathComponent("run").path
    }

    deinit { detach() }

    public func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts {
        self.inbox = inbox
        mkdir(runDirectory, 0o700)
        chmod(runDirectory, 0o700)
        var inherited = InheritedAttempts()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []
        var seen: Set<Int32> = []
        for name in names.sorted() {
            guard let pid = Self.supervisorPid(name, suffix: ".sock") else { continue }
            seen.insert(pid)
            let fd = drover_connect(runDirectory, name)
            guard fd >= 0 else {
                unlink("\(runDirectory)/\(name)")
                continue
            }
            let connection = SupervisorConnection(fd: fd, pid: pid)
            connection.send(UInt8(ascii: "H"), ["\(DROVER_SUPERVISOR_PROTOCOL)"])
            let frames = try connection.receive(timeout: 10) { $0.type == UInt8(ascii: "H") }
            for frame in frames {
                switch Self.event(frame) {
                case .started(let key, let pid, let at, _, _)?:
                    inherited.running[key] = InheritedProcess(pid: pid, startedAt: at)
                    owner[key] = connection.pid
                case .exited(let exit)?:
                    inherited.running[exit.key] = nil
                    inherited.exits[exit.key] = exit
                    owner[exit.key] = connection.pid
                default:
                    break
                }
            }
            connections[pid] = connection
            if primary == nil, frames.last?.fields.first == "\(DROVER_SUPERVISOR_PROTOCOL)" { primary = connection }
        }
        // Supervisors that are gone: what their journals say.
        for name in names.sorted() {
            guard let pid = Self.supervisorPid(name, suffix: ".journal"), connections[pid] == nil else { continue }
            for exit in readDeadJournal(pid: pid, keys: nil) { inherited.exits[exit.key] = exit }
        }
        for connection in connections.values { startReading(connection) }
        return inherited
    }

    public func launch(_ launch: AttemptLaunch) {
        guard let connection = primaryConnection() else {
            var exit = ProcessExit(key: launch.key, launchError: "cannot start the job supervisor: \(String(cString: strerror(errno)))")
            exit.transient = true
            inbox.post(.exited(exit))
            return
        }
        owner[launch.key] = connection.pid
        programs.names.withLock { $0[launch.key] = launch.command.first ?? "" }
        var fields = [launch.key.jobId, "\(launch.key.attempt)", launch.executable ?? "", launch.workingDirectory, launch.logPath,
                      "\(launch.timeoutSeconds.map { max(1, Int(($0 * 1000).rounded())) } ?? 0)",
                      "\(Int((launch.graceSeconds * 1000).rounded()))",
                      launch.room?.name ?? "", Self.milli(launch.room?.capacity.vcpus ?? 0), "\(launch.room?.capacity.memory ?? 0)",
                      Self.milli(launch.need.vcpus), "\(launch.need.memory)", "\(launch.command.count)"]
        fields += launch.command
        fields.append("\(launch.environment.count)")
        fields += launch.environment
        connection.send(UInt8(ascii: "S"), fields)
    }

    public func signal(_ key: AttemptKey, _ signal: Int32, killAfter: Double?) {
        guard let pid = owner[key], let connection = connections[pid] else { return }
        let after = killAfter.map { Int(($0 * 1000).rounded()) } ?? -1
        connection.send(UInt8(ascii: "K"), [key.jobId, "\(key.attempt)", "\(signal)", "\(after)"])
    }

    public func acknowledge(_ keys: [AttemptKey]) {
        for key in keys {
            if let pid = owner.removeValue(forKey: key), let connection = connections[pid] {
                connection.send(UInt8(ascii: "A"), [key.jobId, "\(key.attempt)"])
            }
            for (path, var pending) in deadJournals where pending.remove(key) != nil {
                deadJournals[path] = pending
                if pending.isEmpty {
                    unlink(path)
                    deadJournals[path] = nil
                }
            }
        }
        programs.names.withLock { names in for key in keys { names[key] = nil } }
    }

    public func reclaim(_ key: AttemptKey, pid: Int32?) {
        guard let pid, pid > 0, Self.process(pid, belongsTo: key.jobId) else { return }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    public func lost(_ connection: Int32) -> [ProcessExit] {
        guard let gone = connections.removeValue(forKey: connection) else { return [] }
        gone.close()
        if primary === gone { primary = nil }
        unlink("\(runDirectory)/supervisor-\(connection).sock")
        let keys = Set(owner.filter { $0.value == connection }.map(\.key))
        for key in keys { owner[key] = nil }
        return readDeadJournal(pid: connection, keys: keys)
    }

    public func detach() {
        for connection in connections.values { connection.close() }
        connections.removeAll()
        primary = nil
    }

    // MARK: - Helpers

    /// The supervisor new attempts go to, started when there is none.
    private func primaryConnection() -> SupervisorConnection? {
        if let primary { return primary }
        guard let executable = Executables.own else { return nil }
        var fd: Int32 = -1
        var pid: pid_t = 0
        let rc = drover_start_supervisor(executable, runDirectory, &fd, &pid)
        guard rc == 0 else {
            errno = rc
            return nil
        }
        let handshake = SupervisorConnection(fd: fd, pid: 0)
        handshake.send(UInt8(ascii: "H"), ["\(DROVER_SUPERVISOR_PROTOCOL)"])
        guard let hello = (try? handshake.receive(timeout: 10, until: { $0.type == UInt8(ascii: "H") }))?.last,
              hello.fields.count >= 2, let supervisor = Int32(hello.fields[1]) else {
            handshake.close()
            errno = ETIMEDOUT
            return nil
        }
        let connection = SupervisorConnection(fd: fd, pid: supervisor)
        connections[supervisor] = connection
        primary = connection
        startReading(connection)
        return connection
    }

    private func startReading(_ connection: SupervisorConnection) {
        let inbox = inbox
        let programs = programs
        connection.startReading(handle: { frame in
            guard var event = Self.event(frame) else { return }
            if case .exited(var exit) = event, exit.launchError != nil, !exit.transient {
                let program = programs.names.withLock { $0[exit.key] } ?? ""
                exit.launchError = "cannot run '\(program)': \(exit.launchError ?? "")"
                event = .exited(exit)
            }
            inbox.post(event)
        }, ended: { [pid = connection.pid] in
            inbox.post(.connectionLost(pid))
        })
    }

    /// Exits written in the journal of supervisor `pid`, which is gone: every exit not yet
    /// acknowledged, and each of `keys` (or each attempt it started, when nil) that it never saw end
    /// as lost, after killing whatever is left of it.
    private func readDeadJournal(pid: Int32, keys: Set<AttemptKey>?) -> [ProcessExit] {
        let path = "\(runDirectory)/supervisor-\(pid).journal"
        let journal = SupervisorJournal(path: path)
        var exits = Array(journal.exits.values)
        for key in journal.unfinished where keys?.contains(key) ?? true {
            let started = journal.started[key]
            if let base = journal.cgroupBase, let name = started?.cgroup {
                Self.write("1", to: "\(base)/\(name)/cgroup.kill")
            }
            reclaim(key, pid: started?.pid)
            var exit = ProcessExit(key: key)
            exit.lost = true
            exits.append(exit)
        }
        for key in keys ?? [] where !exits.contains(where: { $0.key == key }) {
            // Handed over but never started: nothing ran.
            var exit = ProcessExit(key: key, launchError: "its supervisor ended before it started")
            exit.neverStarted = true
            exits.append(exit)
        }
        if let base = journal.cgroupBase {
            for name in journal.started.values.compactMap(\.cgroup) { rmdir("\(base)/\(name)") }
            rmdir(base)
        }
        if exits.isEmpty {
            unlink(path)
        } else {
            deadJournals[path, default: []].formUnion(exits.map(\.key))
        }
        return exits
    }

    /// Decodes a supervisor's frame into an event (nil for hello and unknown frames).
    static func event(_ frame: SupervisorConnection.Frame) -> ProcessEvent? {
        let fields = frame.fields
        switch frame.type {
        case UInt8(ascii: "R") where fields.count >= 4:
            guard let attempt = Int(fields[1]), let pid = Int32(fields[2]) else { return nil }
            return .started(AttemptKey(jobId: fields[0], attempt: attempt), pid: pid, at: Int64(fields[3]) ?? nowMillis())
        case UInt8(ascii: "X") where fields.count >= 5:
            guard let attempt = Int(fields[1]), let status = Int32(fields[2]) else { return nil }
            let key = AttemptKey(jobId: fields[0], attempt: attempt)
            return .exited(SupervisorJournal.exit(key: key, status: status, endedAt: Int64(fields[3]), cause: fields[4]))
        default:
            return nil
        }
    }

    /// Thousandths of `value`, as a decimal integer (saturating).
    static func milli(_ value: Double) -> String {
        "\(Int(saturating: (value * 1000).rounded()))"
    }

    static func supervisorPid(_ name: String, suffix: String) -> Int32? {
        guard name.hasPrefix("supervisor-"), name.hasSuffix(suffix) else { return nil }
        return Int32(name.dropFirst("supervisor-".count).dropLast(suffix.count))
    }

    /// Whether process `pid` is one started for job `id` (its environment names the job).
    static func process(_ pid: Int32, belongsTo id: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        return data.range(of: Data("AWS_BATCH_JOB_ID=\(id)\0".utf8)) != nil
    }

    static func write(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }
}

/// Program names of launched attempts, shared with the reader threads.
final class ProgramNames: Sendable {
    let names = Mutex<[AttemptKey: String]>([:])
}
