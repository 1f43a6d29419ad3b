#ifndef CDROVER_SPAWN_H
#define CDROVER_SPAWN_H

#include <sys/types.h>

/// Starts `executable` as the job supervisor of `run_dir` (`--drover-supervisor RUN_DIR`) in a session of its own, with
/// one end of a new socket pair as its descriptor 3. The supervisor is a grandchild (no engine has to reap it): its pid
/// comes in its hello. Returns 0 and the other end, or an errno value.
int drover_start_supervisor(const char *executable, const char *run_dir, int *fd_out, pid_t *pid_out);

/// Connects to the Unix socket `name` in `directory` (any length of path). Returns the descriptor, or -errno.
int drover_connect(const char *directory, const char *name);

/// When the calling process is PID 1 (the first process of a container) and DROVER_NO_INIT is unset, forks: the
/// child returns and goes on as drover, in its own process group (the foreground one when standard input is a
/// terminal); the parent stays behind as a minimal init that forwards every signal it receives to the child, reaps
/// every process that ends (orphaned grandchildren of jobs included) and exits with the child's status (128 + N when
/// signal N killed it). Call it first thing in `main`, before any thread starts. Otherwise it returns at once.
void drover_init_if_pid1(void);

/// Whether `drover_init_if_pid1` found this process to be PID 1: drover is a container's first process, and nothing it
/// starts outlives the container.
int drover_is_first_process(void);

/// Version of the engine–supervisor protocol. Frames are a 32-bit little-endian length and a payload: a type byte,
/// then NUL-terminated fields.
///   engine → supervisor: 'H' hello (version; attempts still queued are dropped as "unstarted"); 'S' start (job,
///   attempt, executable or "", working directory, log file, timeout ms or 0, grace ms, group or "", the group's
///   capacity in milli-vCPUs and MiB, the attempt's need in milli-vCPUs and MiB, argument count, arguments..., variable
///   count, variables...): queued until its group has room, oldest first; 'K' signal (job, attempt, signal number, ms
///   until SIGKILL or -1; a queued attempt is dropped instead); 'A' acknowledge an exit (job, attempt).
///   supervisor → engine: 'R' running (job, attempt, pid, started epoch ms); 'X' exited (job, attempt, raw wait
///   status, ended epoch ms, cause: "" or "timeout", "supervisor", "unstarted", "refused", "log:ERRNO", "exec:ERRNO",
///   "fork:ERRNO");
///   'H' hello (version, pid, "cgroup" or "subreaper"), sent after the state of every attempt it holds.
/// Journal lines (supervisor-PID.journal in the run folder): "R attempt pid started cgroup|- job",
/// "X attempt status ended cause|- job", "A attempt job".
#define DROVER_SUPERVISOR_PROTOCOL 1

/// Runs the job supervisor (see supervisor.c) when argv[1] is "--drover-supervisor": argv[2] is the run folder and file
/// descriptor 3 the connection to the engine that started it. Never returns then; returns -1 otherwise.
int drover_supervisor_main(int argc, char **argv);

#endif
