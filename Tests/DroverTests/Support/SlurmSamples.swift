import Foundation

/// `squeue --json --states=all` output captured from Slurm 22.05.8 (Debian bookworm's `slurm-wlm`) on a
/// `scripts/slurm-cluster up --hosts 2 --cpus 2` cluster, each record cut down to the fields Drover reads. The jobs
/// were submitted by hand with Drover-style comments (`drover:v1:abcd1234:NAME:1:-:30:0:tok`), NAME saying what each
/// one shows.
enum SlurmSamples {
    /// While tasks ran: a plain job, two tasks of array 4 and the record of its pending tasks `3-9`, pending arrays `2,5,7` and
    /// `1,3,5,7,9%3` (submitted as `1-9:2%3`), a job that exited 3, one killed by SIGKILL, and a job Drover did not submit.
    static let running = Data(#"""
        {"meta": {"plugin": {"type": "openapi/v0.0.38"}, "Slurm": {"release": "22.05.8"}}, "errors": [], "jobs": [
          {"job_id": 1, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "RUNNING", "state_reason": "None", "exit_code": 0,
           "nodes": "h1", "comment": "drover:v1:abcd1234:plain:1:-:30:0:tok", "start_time": 1796072242, "end_time": 1827608242, "restart_cnt": 0},
          {"job_id": 2, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "FAILED", "state_reason": "NonZeroExitCode", "exit_code": 768,
           "nodes": "h1", "comment": "drover:v1:abcd1234:fail:1:-:30:0:tok", "start_time": 1796072242, "end_time": 1796072242, "restart_cnt": 0},
          {"job_id": 3, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "FAILED", "state_reason": "JobLaunchFailure", "exit_code": 9,
           "nodes": "h2", "comment": "drover:v1:abcd1234:sig:1:-:30:0:tok", "start_time": 1796072242, "end_time": 1796072242, "restart_cnt": 0},
          {"job_id": 8, "array_job_id": 4, "array_task_id": 0, "array_task_string": "", "job_state": "RUNNING", "state_reason": "None", "exit_code": 0,
           "nodes": "h2", "comment": "drover:v1:abcd1234:arr:1:-:30:0:tok", "start_time": 1796072242, "end_time": 1827608242, "restart_cnt": 0},
          {"job_id": 9, "array_job_id": 4, "array_task_id": 1, "array_task_string": "", "job_state": "RUNNING", "state_reason": "None", "exit_code": 0,
           "nodes": "h1", "comment": "drover:v1:abcd1234:arr:1:-:30:0:tok", "start_time": 1796072243, "end_time": 1827608243, "restart_cnt": 0},
          {"job_id": 4, "array_job_id": 4, "array_task_id": null, "array_task_string": "3-9", "job_state": "PENDING", "state_reason": "Resources", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:arr:1:-:30:0:tok", "start_time": 1827608243, "end_time": 6122575479, "restart_cnt": 0},
          {"job_id": 5, "array_job_id": 5, "array_task_id": null, "array_task_string": "2,5,7", "job_state": "PENDING", "state_reason": "Priority", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:list:1:-:30:0:tok", "start_time": 1827608243, "end_time": 6122575479, "restart_cnt": 0},
          {"job_id": 6, "array_job_id": 6, "array_task_id": null, "array_task_string": "1,3,5,7,9%3", "job_state": "PENDING", "state_reason": "Priority", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:step:1:-:30:0:tok", "start_time": 1827608243, "end_time": 6122575479, "restart_cnt": 0},
          {"job_id": 7, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "PENDING", "state_reason": "Priority", "exit_code": 0,
           "nodes": "", "comment": "foreign", "start_time": 1827608243, "end_time": 6122575479, "restart_cnt": 0}
        ]}
        """#.utf8)

    /// After the ends: scancel of running tasks (CANCELLED, 0:15), SIGTERM through `scancel --signal=TERM --full` (FAILED,
    /// JobLaunchFailure, 0:15), cancelled pending arrays, exit codes 0 to 3 of array 11, Slurm's own time limit, and a task requeued
    /// after its node failed (PENDING, Restarts=1, BeginTime).
    static let ended = Data(#"""
        {"meta": {"plugin": {"type": "openapi/v0.0.38"}, "Slurm": {"release": "22.05.8"}}, "errors": [], "jobs": [
          {"job_id": 1, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "CANCELLED", "state_reason": "None", "exit_code": 15,
           "nodes": "h1", "comment": "drover:v1:abcd1234:plain:1:-:30:0:tok", "start_time": 1796072242, "end_time": 1796072254, "restart_cnt": 0},
          {"job_id": 8, "array_job_id": 4, "array_task_id": 0, "array_task_string": "", "job_state": "CANCELLED", "state_reason": "None", "exit_code": 15,
           "nodes": "h2", "comment": "drover:v1:abcd1234:arr:1:-:30:0:tok", "start_time": 1796072242, "end_time": 1796072254, "restart_cnt": 0},
          {"job_id": 10, "array_job_id": 4, "array_task_id": 2, "array_task_string": "", "job_state": "FAILED", "state_reason": "JobLaunchFailure", "exit_code": 15,
           "nodes": "h2", "comment": "drover:v1:abcd1234:arr:1:-:30:0:tok", "start_time": 1796072243, "end_time": 1796072332, "restart_cnt": 0},
          {"job_id": 4, "array_job_id": 4, "array_task_id": null, "array_task_string": "7-9", "job_state": "CANCELLED", "state_reason": "Resources", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:arr:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072407, "restart_cnt": 0},
          {"job_id": 5, "array_job_id": 5, "array_task_id": null, "array_task_string": "2,7", "job_state": "CANCELLED", "state_reason": "Priority", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:list:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072407, "restart_cnt": 0},
          {"job_id": 14, "array_job_id": 14, "array_task_id": null, "array_task_string": "0-298:2", "job_state": "CANCELLED", "state_reason": "JobHeldUser", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:big:1:-:30:0:tok", "start_time": 1796072337, "end_time": 1796072337, "restart_cnt": 0},
          {"job_id": 20, "array_job_id": 11, "array_task_id": 0, "array_task_string": "", "job_state": "COMPLETED", "state_reason": "None", "exit_code": 0,
           "nodes": "h1", "comment": "drover:v1:abcd1234:afail:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072407, "restart_cnt": 0},
          {"job_id": 21, "array_job_id": 11, "array_task_id": 1, "array_task_string": "", "job_state": "FAILED", "state_reason": "NonZeroExitCode", "exit_code": 256,
           "nodes": "h1", "comment": "drover:v1:abcd1234:afail:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072407, "restart_cnt": 0},
          {"job_id": 22, "array_job_id": 11, "array_task_id": 2, "array_task_string": "", "job_state": "FAILED", "state_reason": "NonZeroExitCode", "exit_code": 512,
           "nodes": "h2", "comment": "drover:v1:abcd1234:afail:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072407, "restart_cnt": 0},
          {"job_id": 11, "array_job_id": 11, "array_task_id": 3, "array_task_string": "", "job_state": "FAILED", "state_reason": "NonZeroExitCode", "exit_code": 768,
           "nodes": "h2", "comment": "drover:v1:abcd1234:afail:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072407, "restart_cnt": 0},
          {"job_id": 18, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "TIMEOUT", "state_reason": "TimeLimit", "exit_code": 15,
           "nodes": "h1", "comment": "drover:v1:abcd1234:tmo:1:-:30:0:tok", "start_time": 1796072407, "end_time": 1796072477, "restart_cnt": 0},
          {"job_id": 19, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "PENDING", "state_reason": "BeginTime", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:rq:1:-:30:0:tok", "start_time": 1796072553, "end_time": 1827608553, "restart_cnt": 1}
        ]}
        """#.utf8)

    /// A task whose node was cut off, submitted with `--no-requeue` as Drover submits.
    static let nodeFailed = Data(#"""
        {"meta": {"plugin": {"type": "openapi/v0.0.38"}, "Slurm": {"release": "22.05.8"}}, "errors": [], "jobs": [
          {"job_id": 23, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "NODE_FAIL", "state_reason": "NodeDown", "exit_code": 0,
           "nodes": "h2", "comment": "drover:v1:abcd1234:nf:1:-:30:0:tok", "start_time": 1796072487, "end_time": 1796072506, "restart_cnt": 0}
        ]}
        """#.utf8)

    /// What squeue printed, with exit status 0, while the controller did not answer (its process stopped with SIGSTOP):
    /// an error and no jobs.
    static let controllerUnreachable = Data(#"""
        {"meta": {"plugin": {"type": "openapi\/v0.0.38", "name": "Slurm OpenAPI v0.0.38"},
                  "Slurm": {"version": {"major": 22, "micro": 8, "minor": 5}, "release": "22.05.8"}},
         "errors": [{"description": "Failed while looking for jobs", "error_number": -1, "error": "Unspecified error",
                     "source": "slurm_load_jobs"}],
         "jobs": []}
        """#.utf8)

    /// A held array of 60 scattered indices as squeue lists it by default: its pending list cut at 64 characters
    /// (`SLURM_BITSTR_LEN`), `...` at the end.
    static let cutList = Data(#"""
        {"meta": {"plugin": {"type": "openapi/v0.0.38"}, "Slurm": {"release": "22.05.8"}}, "errors": [], "jobs": [
          {"job_id": 15, "array_job_id": 15, "array_task_id": null, "array_task_string": "1,4,11,13-15,17,32,48,51-52,60-61,68,88,95,97,107,110,112-11...", "job_state": "CANCELLED", "state_reason": "JobHeldUser", "exit_code": 0,
           "nodes": "", "comment": "drover:v1:abcd1234:scatter:1:-:30:0:tok", "start_time": 1796072337, "end_time": 1796072337, "restart_cnt": 0}
        ]}
        """#.utf8)
}
