/// `job_count`: how many jobs each queue holds in each status, and its RUNNABLE jobs by `reason_key`, kept by
/// triggers in the transaction of every change so that `/metrics` reads a few hundred rows, not a million.
///
/// A row is `(queue, status, reason, count)`; `reason` is the job's `reason_key` while it is RUNNABLE (`''` when
/// it has none) and `''` in every other status. Array parents and children each count. Rows of a reason that no
/// job has any longer are deleted; rows of a status stay at 0.
enum JobCountTable {
    /// The row key of a job as `row` (`NEW` or `OLD` in a trigger) holds it.
    static func reason(_ row: String) -> String {
        "CASE WHEN \(row).status = 'RUNNABLE' THEN COALESCE(\(row).reason_key, '') ELSE '' END"
    }

    /// Adds one job in the state `row` holds.
    static func add(_ row: String) -> String {
        """
        INSERT INTO job_count(queue, status, reason, count) VALUES (\(row).queue, \(row).status, \(reason(row)), 1)
            ON CONFLICT(queue, status, reason) DO UPDATE SET count = count + 1;
        """
    }

    /// Takes one job in the state `row` holds away (and the row of a reason no job has any longer).
    static func remove(_ row: String) -> String {
        """
        UPDATE job_count SET count = count - 1 WHERE queue = \(row).queue AND status = \(row).status AND reason = \(reason(row));
        DELETE FROM job_count WHERE queue = \(row).queue AND status = \(row).status AND reason = \(reason(row)) AND reason != '' AND count <= 0;
        """
    }

    /// Creates the table, fills it from the jobs there are, and adds the triggers that keep it.
    static let migration = """
        CREATE TABLE job_count(
            queue TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY(queue, status, reason)) WITHOUT ROWID;
        INSERT INTO job_count(queue, status, reason, count)
            SELECT queue, status, \(reason("job")), count(*) FROM job GROUP BY 1, 2, 3;
        CREATE TRIGGER job_count_on_insert AFTER INSERT ON job BEGIN
            \(add("NEW"))
        END;
        CREATE TRIGGER job_count_on_delete AFTER DELETE ON job BEGIN
            \(remove("OLD"))
        END;
        CREATE TRIGGER job_count_on_update AFTER UPDATE OF status, queue, reason_key ON job
        WHEN OLD.status IS NOT NEW.status OR OLD.queue IS NOT NEW.queue
            OR (NEW.status = 'RUNNABLE' AND OLD.reason_key IS NOT NEW.reason_key) BEGIN
            \(remove("OLD"))
            \(add("NEW"))
        END;
        """
}
