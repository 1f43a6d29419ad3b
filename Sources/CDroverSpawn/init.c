#define _GNU_SOURCE
#include "CDroverSpawn.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/// The init side: waits for signals, forwards them, reaps; never returns.
static void serve_as_init(pid_t child, const sigset_t *all) {
    for (;;) {
        siginfo_t info;
        int number = sigwaitinfo(all, &info);
        if (number < 0) continue;
        if (number != SIGCHLD) {
            kill(child, number);
            continue;
        }
        for (;;) {
            int status = 0;
            pid_t done = waitpid(-1, &status, WNOHANG);
            if (done <= 0) break;
            if (done != child) continue;
            if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
            _exit(128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
        }
    }
}

static int first_process;

int drover_is_first_process(void) { return first_process; }

void drover_init_if_pid1(void) {
    if (getpid() != 1) return;
    first_process = 1;
    const char *off = getenv("DROVER_NO_INIT");
    if (off != NULL && *off != '\0' && strcmp(off, "0") != 0) return;

    sigset_t all, previous;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &previous);
    pid_t child = fork();
    if (child < 0) {
        // No init then: drover runs as PID 1 itself.
        sigprocmask(SIG_SETMASK, &previous, NULL);
        return;
    }
    if (child == 0) {
        setpgid(0, 0);
        // Terminal signals (Ctrl-C, window size) go to drover directly, not through the init. SIGTTOU is blocked here,
        // so taking the foreground from the background is allowed.
        if (isatty(STDIN_FILENO)) tcsetpgrp(STDIN_FILENO, getpid());
        sigprocmask(SIG_SETMASK, &previous, NULL);
        return;
    }
    serve_as_init(child, &all);
}
