#define _GNU_SOURCE
#include "CDroverSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int drover_start_supervisor(const char *executable, const char *run_dir, int *fd_out, pid_t *pid_out) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return errno;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    sigset_t all, none;
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    posix_spawn_file_actions_adddup2(&actions, pair[1], 3);
    char *argv[] = {"drover-supervisor", "--drover-supervisor", (char *)run_dir, NULL};
    extern char **environ;
    int rc = posix_spawn(pid_out, executable, &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(pair[1]);
    if (rc != 0) {
        close(pair[0]);
        return rc;
    }
    // The supervisor forks at once and the first process exits: reap it here.
    int status;
    while (waitpid(*pid_out, &status, 0) < 0 && errno == EINTR) {}
    *fd_out = pair[0];
    return 0;
}

int drover_connect(const char *directory, const char *name) {
    int dir = open(directory, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -errno;
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "/proc/self/fd/%d/%s", dir, name);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -errno : 0;
    if (fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        rc = -errno;
        close(fd);
    }
    close(dir);
    return rc < 0 ? rc : fd;
}
