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

#endif
