import DroverCore
import Foundation
import GRDB
import Synchronization

/// The durable state of one Drover state directory: definitions with revisions, queues,
/// environments, jobs and attempts, in an embedded SQLite database (WAL mode).
///
/// One `Store` per process per state directory. Several processes may open the same directory:
/// SQLite serialises their writes and every transition is one short transaction.
public final class Store: Sendable {
    /// The state directory.
    public let directory: URL
    /// `<state dir>/logs`.
    let logsRoot: String
    let pool: DatabasePool
    /// Resolved specs of recently used top-level jobs (bounded in number and size: a long-lived engine
    /// sees jobs without end, some with megabytes of parameters).
    let specs = Mutex(BoundedCache<String, JobSpec>(capacity: 256, costLimit: 16 << 20))
    /// Inputs of recent workflow executions (they never change), so that each pass over a running execution does
    /// not read its input again: a Map's input may hold every item.
    let executionInputs = Mutex(BoundedCache<Int64, JSONValue>(capacity: 64, costLimit: 64 << 20))

    /// Opens (creating when needed) the store in `directory`.
    public init(directory: URL) throws(DroverError) {
        self.directory = directory
        self.logsRoot = directory.appendingPathComponent("logs").path
        // Private whatever the umask: SQLite gives the -wal and -shm files the database file's mode.
        try PrivateFiles.makeFolder(directory.path)
        try? PrivateFiles.makeFolder(logsRoot)
        let database = directory.appendingPathComponent("drover.sqlite").path
        PrivateFiles.makeFile(database)
        for path in [database + "-wal", database + "-shm"] { PrivateFiles.restrict(path, to: PrivateFiles.fileMode) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Statements that fire triggers (every job change: events, counts) keep a statement journal: in memory, not
            // in a temporary file created and removed per statement (a third of a 100,000-child submit's time).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        // Switching a new database to WAL mode does not wait for the lock of another process doing
        // the same (two `drover run` at once on a new state directory): try again for a while.
        // Two processes opening a new state directory at once must not both create its tables: a flock
        // on `store.lock` keeps them one at a time. Not on the database file: closing any descriptor of
        // it drops the process's SQLite locks on it, and another process closing its last connection
        // would then delete the WAL from under this one's.
        let guardFile = open(directory.appendingPathComponent("store.lock").path, O_RDONLY | O_CREAT | O_CLOEXEC, PrivateFiles.fileMode)
        if guardFile >= 0 { flock(guardFile, LOCK_EX) }
        defer {
            if guardFile >= 0 {
                flock(guardFile, LOCK_UN)
                close(guardFile)
            }
        }
        let deadline = Date().addingTimeInterval(Self.busyTimeout)
        var delay = 0.005
        while true {
            do {
                let pool = try DatabasePool(path: database, configuration: configuration)
                try Store.migrator.migrate(pool)
                self.pool = pool
                return
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) && Date() < deadline {
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 0.2)
            } catch {
                throw DroverError("cannot open the state directory \(directory.path): \(error)", exitCode: 1)
            }
        }
    }

    /// Seconds a write waits for another process's write lock before it fails (the engine then
    /// retries it): `DROVER_BUSY_TIMEOUT_SECONDS`, default 30.
    static let busyTimeout: Double = {
        guard let text = ProcessInfo.processInfo.environment["DROVER_BUSY_TIMEOUT_SECONDS"], let value = Double(text),
              value.isFinite, value >= 0 else { return 30 }
        return min(value, 3600)
    }()

    /// The file holding the database.
    public var databasePath: String { directory.appendingPathComponent("drover.sqlite").path }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE compute_environment(
                    name TEXT PRIMARY KEY, state TEXT NOT NULL, document TEXT NOT NULL,
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                CREATE TABLE job_queue(
                    name TEXT PRIMARY KEY, state TEXT NOT NULL, priority INTEGER NOT NULL, document TEXT NOT NULL,
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                CREATE TABLE job_definition(
                    name TEXT NOT NULL, revision INTEGER NOT NULL, status TEXT NOT NULL, document TEXT NOT NULL,
                    created_at INTEGER NOT NULL, PRIMARY KEY(name, revision));
                CREATE TABLE job(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    parent_id TEXT, array_index INTEGER, array_size INTEGER,
                    name TEXT NOT NULL, queue TEXT NOT NULL, definition TEXT NOT NULL,
                    status TEXT NOT NULL, status_reason TEXT,
                    created_at INTEGER NOT NULL, started_at INTEGER, stopped_at INTEGER,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    spec TEXT, sequential INTEGER NOT NULL DEFAULT 0,
                    environment TEXT, pid INTEGER, exit_code INTEGER, container_reason TEXT,
                    terminate_reason TEXT,
                    succeeded_children INTEGER NOT NULL DEFAULT 0, failed_children INTEGER NOT NULL DEFAULT 0,
                    run_key TEXT);
                CREATE INDEX job_by_status ON job(status, queue, seq);
                CREATE INDEX job_by_parent ON job(parent_id, array_index) WHERE parent_id IS NOT NULL;
                CREATE INDEX job_by_run ON job(run_key) WHERE run_key IS NOT NULL;
                CREATE INDEX job_terminating ON job(terminate_reason) WHERE terminate_reason IS NOT NULL;
                CREATE TABLE dependency(
                    job_id TEXT NOT NULL, depends_on TEXT NOT NULL, type TEXT,
                    PRIMARY KEY(job_id, depends_on)) WITHOUT ROWID;
                CREATE INDEX dependency_by_target ON dependency(depends_on);
                CREATE TABLE attempt(
                    job_id TEXT NOT NULL, number INTEGER NOT NULL,
                    environment TEXT, pid INTEGER,
                    started_at INTEGER, stopped_at INTEGER,
                    exit_code INTEGER, reason TEXT, status_reason TEXT,
                    PRIMARY KEY(job_id, number)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-simulation") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE job ADD COLUMN environment_floor INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE job ADD COLUMN instance_id TEXT;
                ALTER TABLE attempt ADD COLUMN instance_id TEXT;
                ALTER TABLE attempt ADD COLUMN signal INTEGER;
                ALTER TABLE attempt ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE attempt ADD COLUMN out_of_memory INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE attempt ADD COLUMN simulated_seconds REAL;
                ALTER TABLE attempt ADD COLUMN vcpus REAL;
                ALTER TABLE attempt ADD COLUMN cost REAL;
                ALTER TABLE attempt ADD COLUMN on_demand_cost REAL;
                ALTER TABLE attempt ADD COLUMN experiment TEXT;
                CREATE TABLE instance(
                    id TEXT PRIMARY KEY, environment TEXT NOT NULL, type TEXT NOT NULL, lifecycle TEXT NOT NULL,
                    vcpus REAL NOT NULL, memory INTEGER NOT NULL, hourly_price REAL NOT NULL, on_demand_hourly REAL NOT NULL,
                    state TEXT NOT NULL, launched_at INTEGER NOT NULL, ended_at INTEGER,
                    simulated_seconds REAL NOT NULL DEFAULT 0, end_reason TEXT, experiment TEXT);
                CREATE INDEX instance_by_environment ON instance(environment, launched_at);
                CREATE TABLE experiment(
                    id TEXT PRIMARY KEY, environment TEXT NOT NULL, state TEXT NOT NULL, document TEXT NOT NULL,
                    created_at INTEGER NOT NULL);
                """)
        }
        migrator.registerMigration("v3-blocked") { db in
            // A job the scheduler gave up on until queues or environments change, so far told by its
            // reason's MISCONFIGURATION: prefix.
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
                UPDATE job SET blocked = 1 WHERE status = 'RUNNABLE' AND status_reason LIKE 'MISCONFIGURATION:%';
                """)
        }
        migrator.registerMigration("v4-api") { db in
            // `stopped_by`: CANCEL or TERMINATE when a user's request stopped the job (AWS's isCancelled /
            // isTerminated). `tag`: tags of every kind of resource, keyed by `KIND/NAME` as in its ARN (no region
            // or account, so that changing them keeps the tags). `scheduling_policy`: AWS's fair-share policies,
            // kept and shown.
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN stopped_by TEXT;
                CREATE TABLE tag(resource TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(resource, key)) WITHOUT ROWID;
                CREATE TABLE scheduling_policy(
                    name TEXT PRIMARY KEY, document TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                CREATE INDEX job_by_created ON job(created_at);
                """)
        }
        migrator.registerMigration("v5-reason-since") { db in
            // `reason_key`: the code of the placement reason of a RUNNABLE job (the whole reason when it has no code);
            // `reason_since`: since when (epoch ms) it has had that key, which `jobStateTimeLimitActions` count from. They
            // outlive `apply` clearing the reason's text, so that re-deciding to the same reason does not restart the count.
            // Reasons written before hold codes AWS does not have: the scheduler decides those jobs again.
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN reason_key TEXT;
                ALTER TABLE job ADD COLUMN reason_since INTEGER;
                CREATE INDEX job_by_reason_since ON job(reason_since) WHERE reason_since IS NOT NULL;
                UPDATE job SET status_reason = NULL, blocked = 0 WHERE status = 'RUNNABLE' AND blocked = 1;
                """)
        }
        migrator.registerMigration("v6-cluster") { db in
            // Where an attempt on a cluster runs: `host` (the node) and `cluster_job` (Slurm's id of the task,
            // `ARRAYID_INDEX`), on the job while it runs and on the attempt once it ends.
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN host TEXT;
                ALTER TABLE job ADD COLUMN cluster_job TEXT;
                ALTER TABLE attempt ADD COLUMN host TEXT;
                ALTER TABLE attempt ADD COLUMN cluster_job TEXT;
                """)
        }
        migrator.registerMigration("v7-held") { db in
            // `held` = 1: a PENDING job whose next attempt (`attempts`, on `environment`) was handed to a cluster ahead
            // of its dependencies, which the cluster waits on (``JobTransition/handOver``).
            try db.execute(sql: "ALTER TABLE job ADD COLUMN held INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v8-attempt-base") { db in
            // `attempt_base`: the attempts made before `drover retry-failed` gave the job a fresh retry budget (the
            // retry rules count the attempts after it; the attempt numbers go on).
            try db.execute(sql: "ALTER TABLE job ADD COLUMN attempt_base INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v9-events") { db in
            // `event`: every job state change (a top-level job's SUBMITTED first, as on AWS, though it is stored
            // past it), and every RUNNABLE job newly stuck for a reason that blocks it (AWS's
            // "Batch Job Queue Blocked"), written by triggers in the transaction that made the change, so that no
            // writer can forget one and none is recorded for a change that did not happen. `kind`: `state` or
            // `blocked`; `time`: epoch ms; `attempts`: the attempts the job had made then (its detail is shown as of
            // the event); `previous`: the status it left. Kept for a bounded time (``Store/pruneEvents(before:)``). `event_cursor`: how far each
            // consumer that must not miss one (a webhook, by URL) has delivered.
            try db.execute(sql: """
                CREATE TABLE event(
                    id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, kind TEXT NOT NULL,
                    job_id TEXT NOT NULL, queue TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT,
                    attempts INTEGER NOT NULL, previous TEXT);
                CREATE TABLE event_cursor(consumer TEXT PRIMARY KEY, last INTEGER NOT NULL);
                CREATE INDEX event_by_job ON event(job_id, id);
                CREATE TRIGGER event_on_submit AFTER INSERT ON job BEGIN
                    INSERT INTO event(time, kind, job_id, queue, status, status_reason, attempts, previous)
                    SELECT \(Self.nowMillisSQL), 'state', NEW.id, NEW.queue, 'SUBMITTED', NULL, 0, NULL
                    WHERE NEW.parent_id IS NULL AND NEW.status <> 'SUBMITTED';
                    INSERT INTO event(time, kind, job_id, queue, status, status_reason, attempts, previous)
                    VALUES (\(Self.nowMillisSQL), 'state', NEW.id, NEW.queue, NEW.status, NEW.status_reason, NEW.attempts - NEW.held, CASE WHEN NEW.parent_id IS NULL AND NEW.status <> 'SUBMITTED' THEN 'SUBMITTED' END);
                END;
                CREATE TRIGGER event_on_status AFTER UPDATE OF status ON job WHEN OLD.status IS NOT NEW.status BEGIN
                    INSERT INTO event(time, kind, job_id, queue, status, status_reason, attempts, previous)
                    VALUES (\(Self.nowMillisSQL), 'state', NEW.id, NEW.queue, NEW.status, NEW.status_reason, NEW.attempts - NEW.held, OLD.status);
                END;
                CREATE TRIGGER event_on_blocked AFTER UPDATE OF reason_key ON job
                WHEN NEW.status = 'RUNNABLE' AND NEW.reason_key IS NOT NULL AND NEW.reason_key IS NOT OLD.reason_key
                    AND (NEW.blocked = 1 OR NEW.reason_key GLOB '[A-Z]*:[A-Z]*') BEGIN
                    INSERT INTO event(time, kind, job_id, queue, status, status_reason, attempts, previous)
                    VALUES (\(Self.nowMillisSQL), 'blocked', NEW.id, NEW.queue, NEW.status, NEW.status_reason, NEW.attempts - NEW.held, OLD.status);
                END;
                """)
        }
        migrator.registerMigration("v10-job-counts") { db in
            try db.execute(sql: JobCountTable.migration)
        }
        migrator.registerMigration("v11-workflows") { db in
            try db.execute(sql: WorkflowTables.migration)
        }
        return migrator
    }

    /// SQLite's clock as epoch milliseconds, for the event triggers.
    static let nowMillisSQL = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

    /// Runs `body` in one write transaction, turning database errors into ``DroverError``.
    func write<T>(_ body: (Database) throws -> T) throws(DroverError) -> T {
        do {
            return try pool.write(body)
        } catch let error as DroverError {
            throw error
        } catch {
            throw DroverError("state database error: \(error)", exitCode: 1)
        }
    }

    /// Runs `body` on a read snapshot, turning database errors into ``DroverError``.
    func read<T>(_ body: (Database) throws -> T) throws(DroverError) -> T {
        do {
            return try pool.read(body)
        } catch let error as DroverError {
            throw error
        } catch {
            throw DroverError("state database error: \(error)", exitCode: 1)
        }
    }

    /// The resolved spec of top-level job `id` (cached; specs never change once submitted).
    func spec(_ db: Database, top id: String) throws -> JobSpec {
        if let cached = specs.withLock({ $0[id] }) { return cached }
        guard let text = try String.fetchOne(db, sql: "SELECT spec FROM job WHERE id = ?", arguments: [id]) else {
            throw DroverError.unknownJob(id)
        }
        let spec = try JSONDecoder().decode(JobSpec.self, from: Data(text.utf8))
        // Its stored text's length stands for its size: large parameters make a large spec.
        specs.withLock { $0.insert(spec, for: id, cost: text.utf8.count) }
        return spec
    }

    /// The resolved spec of a job (a child's is its parent's).
    public func spec(ofJob id: String) throws(DroverError) -> JobSpec {
        let top = JobID.split(id).parent
        if let cached = specs.withLock({ $0[top] }) { return cached }
        return try read { db in try spec(db, top: top) }
    }
}
