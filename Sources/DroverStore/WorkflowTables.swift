/// The tables of workflows (Amazon States Language state machines and their executions).
///
/// - `workflow_machine`: state machines by name, with their definition text.
/// - `workflow_execution`: one row per execution: its definition as it was when it started, input, status and
///   result; `next_event` and `next_thread` number its history events and threads.
/// - `workflow_history`: the execution's history, as `GetExecutionHistory` lists it.
/// - `workflow_thread`: where each line of work of a RUNNING execution is (the top level, a `Parallel` branch, a
///   `Map` item): the state, what it waits for (`step`, `wake_at`, `job_id`), and what its state has done (`memo`).
///   Rows go when their execution ends; a branch's or item's row when its parent has gathered it.
/// - `workflow_job`: the jobs each execution submitted.
enum WorkflowTables {
    static let migration = """
        CREATE TABLE workflow_machine(
            name TEXT PRIMARY KEY, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE workflow_execution(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            machine TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL UNIQUE, machine_arn TEXT NOT NULL,
            region TEXT NOT NULL, account TEXT NOT NULL, role_arn TEXT NOT NULL,
            definition TEXT NOT NULL, input TEXT NOT NULL,
            status TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
            started_at INTEGER NOT NULL, stopped_at INTEGER, deadline_at INTEGER,
            next_event INTEGER NOT NULL DEFAULT 1, next_thread INTEGER NOT NULL DEFAULT 1,
            UNIQUE(machine, name));
        CREATE INDEX workflow_execution_by_status ON workflow_execution(status, id);
        CREATE INDEX workflow_execution_deadline ON workflow_execution(deadline_at) WHERE deadline_at IS NOT NULL;
        CREATE TABLE workflow_history(
            execution INTEGER NOT NULL, id INTEGER NOT NULL, previous INTEGER NOT NULL, time INTEGER NOT NULL,
            type TEXT NOT NULL, details TEXT,
            PRIMARY KEY(execution, id)) WITHOUT ROWID;
        CREATE TABLE workflow_thread(
            execution INTEGER NOT NULL, id INTEGER NOT NULL, parent INTEGER, slot INTEGER NOT NULL,
            path TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL, step TEXT NOT NULL,
            input TEXT NOT NULL, memo TEXT NOT NULL, wake_at INTEGER, job_id TEXT, heartbeat INTEGER,
            output TEXT, error TEXT, last_event INTEGER NOT NULL,
            PRIMARY KEY(execution, id)) WITHOUT ROWID;
        CREATE INDEX workflow_thread_by_parent ON workflow_thread(execution, parent, slot);
        CREATE INDEX workflow_thread_entering ON workflow_thread(step) WHERE step = 'enter' AND status = 'ACTIVE';
        CREATE INDEX workflow_thread_wake ON workflow_thread(wake_at) WHERE wake_at IS NOT NULL;
        CREATE INDEX workflow_thread_job ON workflow_thread(job_id) WHERE job_id IS NOT NULL;
        CREATE INDEX workflow_thread_heartbeat ON workflow_thread(heartbeat) WHERE heartbeat IS NOT NULL;
        CREATE TABLE workflow_job(execution INTEGER NOT NULL, job_id TEXT NOT NULL, PRIMARY KEY(execution, job_id)) WITHOUT ROWID;
        """
}
