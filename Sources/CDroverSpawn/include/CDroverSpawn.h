#ifndef CDROVER_SPAWN_H
#define CDROVER_SPAWN_H

#include <sys/types.h>

/// Starts `path` (or, when it is NULL, `argv[0]` looked up in PATH) as the leader of a new process group, with `envp` as its
/// environment, standard input from /dev/null and standard output and error appended to `log_path`.
/// Signal dispositions and mask are reset to their defaults in the child.
/// Returns 0 and stores the pid, or an errno value (ENOENT: no such command, EACCES: not executable).
int drover_spawn(const char *path, char *const argv[], char *const envp[], const char *log_path, pid_t *pid_out);

/// Waits for `pid` to end; returns its raw wait status, or -1 with errno set.
int drover_wait(pid_t pid);

/// When the calling process is PID 1 (the first process of a container) and DROVER_NO_INIT is unset, forks: the
/// child returns and goes on as drover, in its own process group (the foreground one when standard input is a
/// terminal); the parent stays behind as a minimal init that forwards every signal it receives to the child, reaps
/// every process that ends (orphaned grandchildren of jobs included) and exits with the child's status (128 + N when
/// signal N killed it). Call it first thing in `main`, before any thread starts. Otherwise it returns at once.
void drover_init_if_pid1(void);

#endif
