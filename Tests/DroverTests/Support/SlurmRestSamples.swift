/// Answers of a real slurmrestd (Slurm 22.05.8, REST API v0.0.38) of `scripts/slurm-cluster up --restd`, captured
/// with curl and cut down to the fields Drover reads (the `meta` block, the same in every answer, kept in the first).
enum SlurmRestSamples {
    /// `POST /slurm/v0.0.38/job/submit` of a 4-task array: HTTP 200.
    static let submitted = """
{
 "meta": {
  "plugin": {
   "type": "openapi/v0.0.38",
   "name": "Slurm OpenAPI v0.0.38"
  },
  "Slurm": {
   "version": {
    "major": 22,
    "micro": 8,
    "minor": 5
   },
   "release": "22.05.8"
  }
 },
 "errors": [],
 "job_id": 1,
 "step_id": "BATCH",
 "job_submit_user_msg": ""
}
"""

    /// The same with an unknown partition: HTTP 500.
    static let refusedPartition = """
{
 "errors": [
  {
   "error_code": 2000,
   "error": "Invalid partition name specified"
  }
 ]
}
"""

    /// The same without `environment`: HTTP 500, two errors.
    static let noEnvironment = """
{
 "errors": [
  {
   "error": "environment must be set",
   "error_code": 2127
  },
  {
   "error_code": 9001,
   "error": "Failure during parsing"
  }
 ]
}
"""

    /// `GET /slurm/v0.0.38/jobs`: a completed and a failed (`exit 1`) task of one array, and of another array a
    /// running task and the record of its pending tasks (`array_task_string` `1-5`).
    static let jobs = """
{
 "errors": [],
 "jobs": [
  {
   "account": "",
   "array_job_id": 1,
   "array_task_id": 0,
   "array_task_string": "",
   "comment": "drover:v1:abc:job-1:1:-:30:0:tok1",
   "exit_code": 0,
   "job_id": 2,
   "job_state": "COMPLETED",
   "name": "probe",
   "nodes": "h1",
   "partition": "spot",
   "restart_cnt": 0,
   "start_time": 1796080049,
   "end_time": 1796080049,
   "state_reason": "None",
   "derived_exit_code": 0,
   "time_limit": 2,
   "user_name": "root"
  },
  {
   "account": "",
   "array_job_id": 1,
   "array_task_id": 1,
   "array_task_string": "",
   "comment": "drover:v1:abc:job-1:1:-:30:0:tok1",
   "exit_code": 256,
   "job_id": 3,
   "job_state": "FAILED",
   "name": "probe",
   "nodes": "h1",
   "partition": "spot",
   "restart_cnt": 0,
   "start_time": 1796080049,
   "end_time": 1796080052,
   "state_reason": "NonZeroExitCode",
   "derived_exit_code": 0,
   "time_limit": 2,
   "user_name": "root"
  },
  {
   "account": "",
   "array_job_id": 9,
   "array_task_id": 0,
   "array_task_string": "",
   "comment": "drover:v1:abc:job-2:1:-:30:0:tok2",
   "exit_code": 0,
   "job_id": 10,
   "job_state": "RUNNING",
   "name": "probe",
   "nodes": "h1",
   "partition": "spot",
   "restart_cnt": 0,
   "start_time": 1796080226,
   "end_time": 1827616226,
   "state_reason": "None",
   "derived_exit_code": 0,
   "time_limit": 525600,
   "user_name": "root"
  },
  {
   "account": "",
   "array_job_id": 9,
   "array_task_id": null,
   "array_task_string": "1-5",
   "comment": "drover:v1:abc:job-2:1:-:30:0:tok2",
   "exit_code": 0,
   "job_id": 9,
   "job_state": "PENDING",
   "name": "probe",
   "nodes": "",
   "partition": "spot",
   "restart_cnt": 0,
   "start_time": 1827616226,
   "end_time": 6122583462,
   "state_reason": "Resources",
   "derived_exit_code": 0,
   "time_limit": null,
   "user_name": "root"
  }
 ]
}
"""

    /// `GET /slurm/v0.0.38/nodes` with h1 allocated and h2 drained (`scontrol update NodeName=h2 State=DRAIN`).
    static let nodes = """
{
 "errors": [],
 "nodes": [
  {
   "name": "h1",
   "state": "allocated",
   "state_flags": [],
   "partitions": [
    "spot",
    "ondemand"
   ],
   "reason": "",
   "cpus": 2,
   "real_memory": 12052,
   "address": "10.77.198.2"
  },
  {
   "name": "h2",
   "state": "idle",
   "state_flags": [
    "DRAIN"
   ],
   "partitions": [
    "spot",
    "ondemand"
   ],
   "reason": "probe",
   "cpus": 2,
   "real_memory": 12052,
   "address": "10.77.198.3"
  }
 ]
}
"""
}
