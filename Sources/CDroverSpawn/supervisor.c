// The job supervisor: a small process, started by an engine, that starts the engine's job processes, waits for
// them, ends each job's whole process tree with it and keeps every exit until an engine has recorded it. It
// outlives the engine that started it (it runs in a session of its own), so an engine that dies, is stopped or is
// replaced by a newer binary leaves its jobs running; the next engine connects to the supervisor, adopts the jobs
// and collects their exits. Exits are also appended to a journal file, so that they survive the supervisor too.
//
// The protocol and the journal are described in CDroverSpawn.h. Single-threaded: one poll loop over a signalfd,
// the listening socket and the engines' connections; timers (attempt timeouts, SIGKILL after a grace period,
// tree clean-up) are deadlines on the monotonic clock.
#define _GNU_SOURCE
#include "CDroverSpawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 8
#define MAX_FRAME (64u << 20)
#define TREE_WAIT_MS 5000
#define JOURNAL_LIMIT (4u << 20)

/// One attempt the supervisor started (or failed to start).
typedef struct {
    char *job;
    long attempt;
    pid_t pid;
    int running;         // the main process has not been reaped yet
    int reported;        // its exit has been journalled and sent
    int status;          // raw wait status once ended
    long long started_ms;
    long long ended_ms;
    long long deadline;  // monotonic ms at which it times out, 0 when none
    long long kill_at;   // monotonic ms at which SIGKILL is due, 0 when none
    long long grace_ms;  // SIGTERM to SIGKILL on timeout
    long long tree_until;// monotonic ms until which the exit waits for the rest of the tree
    char cause[48];
    char cgroup[32];     // name of its cgroup under the supervisor's, "" without cgroups
    int cgroup_procs, cgroup_events;
    char *log;
    int queued;          // waiting for room in its group
    unsigned long long seq;  // order of arrival
    char *request;       // the start frame, kept while queued
    size_t request_length;
    int group;           // index in groups, -1 for none
    long long need_cpu, need_memory;
} entry_t;

/// A compute environment's room: attempts of a group start, in order of arrival, while they fit.
typedef struct {
    char name[128];
    long long capacity_cpu, capacity_memory;
    long long used_cpu, used_memory;
} group_t;

typedef struct {
    int fd;
    char *in;
    size_t in_len, in_cap;
    char *out;
    size_t out_len, out_cap;
    int hello;           // said hello: receives events
} client_t;

static entry_t *entries;
static size_t entry_count, entry_cap;
static group_t *groups;
static size_t group_count, group_cap;
static unsigned long long arrivals;
static int holding;  // while set, freed room starts nothing (queued attempts are being dropped)
static client_t clients[MAX_CLIENTS];
static int listen_fd = -1, journal_fd = -1, cgroup_fd = -1;
static char cgroup_base[PATH_MAX];
static char socket_name[64], journal_name[64];
static unsigned long cgroup_seq;

/// Job cgroups are reused once empty: making and removing one per attempt costs more than the attempt of a short job.
typedef struct {
    char name[32];
    int procs;   // cgroup.procs, open for writing
    int events;  // cgroup.events, open for reading
} cgroup_slot_t;
static cgroup_slot_t *free_cgroups;
static size_t free_cgroup_count, free_cgroup_cap;
static volatile int child_errno;

static long long monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long epoch_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *grow(void *buffer, size_t *capacity, size_t needed, size_t item) {
    if (needed <= *capacity) return buffer;
    size_t next = *capacity ? *capacity : 16;
    while (next < needed) next *= 2;
    void *bigger = realloc(buffer, next * item);
    if (bigger == NULL) abort();
    *capacity = next;
    return bigger;
}

// MARK: - Journal

/// Appends one line; a failed write (a full disk) leaves the exit in memory, where engines still get it.
static size_t journal_bytes;
static void journal(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void journal(const char *format, ...) {
    char line[1024];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (journal_fd < 0 || length <= 0 || (size_t)length >= sizeof line) return;
    ssize_t written = write(journal_fd, line, (size_t)length);
    if (written > 0) journal_bytes += (size_t)written;
}

// MARK: - Messages

static void send_frame(client_t *client, const char *payload, size_t length) {
    if (client->fd < 0) return;
    client->out = grow(client->out, &client->out_cap, client->out_len + length + 4, 1);
    uint32_t size = (uint32_t)length;
    memcpy(client->out + client->out_len, &size, 4);
    memcpy(client->out + client->out_len + 4, payload, length);
    client->out_len += length + 4;
}

/// Builds a frame from a type and NUL-terminated fields, and queues it for one client or (NULL) every engine.
static void send_fields(client_t *only, char type, int count, const char *const fields[]) {
    char buffer[4096];
    size_t length = 0;
    buffer[length++] = type;
    for (int i = 0; i < count; i++) {
        size_t field = strlen(fields[i]);
        if (length + field + 1 > sizeof buffer) return;
        memcpy(buffer + length, fields[i], field + 1);
        length += field + 1;
    }
    if (only != NULL) {
        send_frame(only, buffer, length);
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd >= 0 && clients[i].hello) send_frame(&clients[i], buffer, length);
    }
}

static void send_started(client_t *only, const entry_t *entry) {
    char attempt[24], pid[24], at[24];
    snprintf(attempt, sizeof attempt, "%ld", entry->attempt);
    snprintf(pid, sizeof pid, "%d", (int)entry->pid);
    snprintf(at, sizeof at, "%lld", entry->started_ms);
    const char *fields[] = {entry->job, attempt, pid, at};
    send_fields(only, 'R', 4, fields);
}

static void send_exited(client_t *only, const entry_t *entry) {
    char attempt[24], status[24], at[24];
    snprintf(attempt, sizeof attempt, "%ld", entry->attempt);
    snprintf(status, sizeof status, "%d", entry->status);
    snprintf(at, sizeof at, "%lld", entry->ended_ms);
    const char *fields[] = {entry->job, attempt, status, at, entry->cause};
    send_fields(only, 'X', 5, fields);
}

static void flush_client(client_t *client) {
    while (client->fd >= 0 && client->out_len > 0) {
        ssize_t sent = send(client->fd, client->out, client->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            client->out_len = 0;
            return;  // the engine is gone: its read side notices EOF
        }
        memmove(client->out, client->out + sent, client->out_len - (size_t)sent);
        client->out_len -= (size_t)sent;
    }
}

// MARK: - Process trees

static void cgroup_write(const char *name, const char *file, const char *value) {
    if (cgroup_fd < 0 || name[0] == '\0') return;
    char path[96];
    snprintf(path, sizeof path, "%s/%s", name, file);
    int fd = openat(cgroup_fd, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t written = write(fd, value, strlen(value));
    (void)written;
    close(fd);
}

/// Sends `signal` to an attempt's processes: its process group, and with SIGKILL its whole cgroup.
static void signal_tree(entry_t *entry, int signal) {
    if (entry->pid > 0) {
        if (kill(-entry->pid, signal) != 0 && entry->running) kill(entry->pid, signal);
    }
    if (signal == SIGKILL) cgroup_write(entry->cgroup, "cgroup.kill", "1");
}

/// Whether anything of an ended attempt's tree is still alive (its cgroup, or its process group).
static int tree_alive(entry_t *entry) {
    if (entry->cgroup[0] != '\0' && cgroup_fd >= 0) {
        char text[128];
        ssize_t length = entry->cgroup_events >= 0 ? pread(entry->cgroup_events, text, sizeof text - 1, 0) : -1;
        if (length < 0) return 0;
        text[length] = '\0';
        return strstr(text, "populated 1") != NULL;
    }
    return entry->pid > 0 && kill(-entry->pid, 0) == 0;
}

/// Reads `NAME=` from a process's environment into `value` (empty when absent).
static void process_variable(pid_t pid, const char *name, char *value, size_t size) {
    value[0] = '\0';
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    static char data[65536];
    ssize_t length = read(fd, data, sizeof data - 1);
    close(fd);
    if (length <= 0) return;
    data[length] = '\0';
    size_t name_length = strlen(name);
    for (char *item = data; item < data + length; item += strlen(item) + 1) {
        if (strncmp(item, name, name_length) == 0 && item[name_length] == '=') {
            snprintf(value, size, "%s", item + name_length + 1);
            return;
        }
    }
}

static entry_t *find_running(const char *job);

/// Without cgroups: processes that escaped their job's process group (setsid, daemons) are reparented to this
/// supervisor (a subreaper) when their parent dies. Each such child that names a job that is no longer running in
/// its environment is killed with its process group; one whose job cannot be told is killed once no job runs.
static void sweep_orphans(void) {
    if (cgroup_fd >= 0) return;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char list[8192];
    ssize_t length = read(fd, list, sizeof list - 1);
    close(fd);
    if (length <= 0) return;
    list[length] = '\0';
    int any_running = 0;
    for (size_t i = 0; i < entry_count; i++) any_running |= entries[i].running;
    char *save = NULL;
    for (char *word = strtok_r(list, " \n", &save); word != NULL; word = strtok_r(NULL, " \n", &save)) {
        pid_t pid = (pid_t)atoi(word);
        int known = 0;
        for (size_t i = 0; i < entry_count && !known; i++) known = entries[i].running && entries[i].pid == pid;
        if (known) continue;
        char job[256];
        process_variable(pid, "AWS_BATCH_JOB_ID", job, sizeof job);
        if ((job[0] != '\0' && find_running(job) == NULL) || (job[0] == '\0' && !any_running)) {
            pid_t group = getpgid(pid);
            if (group > 0 && group != getpgrp()) kill(-group, SIGKILL);
            kill(pid, SIGKILL);
        }
    }
}

// MARK: - Entries

static entry_t *find_entry(const char *job, long attempt) {
    for (size_t i = 0; i < entry_count; i++) {
        if (entries[i].attempt == attempt && strcmp(entries[i].job, job) == 0) return &entries[i];
    }
    return NULL;
}

static entry_t *find_running(const char *job) {
    for (size_t i = 0; i < entry_count; i++) {
        if ((entries[i].running || entries[i].queued) && strcmp(entries[i].job, job) == 0) return &entries[i];
    }
    return NULL;
}

static entry_t *add_entry(const char *job, long attempt) {
    entries = grow(entries, &entry_cap, entry_count + 1, sizeof *entries);
    entry_t *entry = &entries[entry_count++];
    memset(entry, 0, sizeof *entry);
    entry->job = strdup(job);
    entry->attempt = attempt;
    entry->group = -1;
    entry->seq = ++arrivals;
    entry->cgroup_procs = entry->cgroup_events = -1;
    return entry;
}

static void remove_entry(entry_t *entry) {
    free(entry->job);
    free(entry->log);
    free(entry->request);
    size_t index = (size_t)(entry - entries);
    entries[index] = entries[--entry_count];
}

/// Journals and sends an ended attempt's exit (once its tree is gone or waited for long enough).
static void pump(int group);

static void report(entry_t *entry) {
    if (entry->reported) return;
    entry->reported = 1;
    int group = entry->group;
    if (group >= 0 && !entry->queued) {
        groups[group].used_cpu -= entry->need_cpu;
        groups[group].used_memory -= entry->need_memory;
    }
    entry->queued = 0;
    entry->group = -1;
    free(entry->request);
    entry->request = NULL;
    if (entry->cgroup[0] != '\0') {
        if (!tree_alive(entry)) {
            free_cgroups = grow(free_cgroups, &free_cgroup_cap, free_cgroup_count + 1, sizeof *free_cgroups);
            cgroup_slot_t *slot = &free_cgroups[free_cgroup_count++];
            snprintf(slot->name, sizeof slot->name, "%s", entry->cgroup);
            slot->procs = entry->cgroup_procs;
            slot->events = entry->cgroup_events;
        } else {
            // Still not empty after the wait: leave it to be removed when the supervisor ends.
            if (entry->cgroup_procs >= 0) close(entry->cgroup_procs);
            if (entry->cgroup_events >= 0) close(entry->cgroup_events);
        }
        entry->cgroup[0] = '\0';
        entry->cgroup_procs = entry->cgroup_events = -1;
    }
    if (entry->log != NULL) {
        struct stat info;
        if (stat(entry->log, &info) == 0 && info.st_size == 0) unlink(entry->log);
    }
    journal("X %ld %d %lld %s %s\n", entry->attempt, entry->status, entry->ended_ms,
            entry->cause[0] ? entry->cause : "-", entry->job);
    send_exited(NULL, entry);
    if (group >= 0) pump(group);
}

/// Ends a queued attempt that never started (an engine stopped it, or a new engine took over).
static void drop_queued(entry_t *entry) {
    entry->ended_ms = epoch_ms();
    snprintf(entry->cause, sizeof entry->cause, "unstarted");
    report(entry);
}

static void ended(entry_t *entry, int status) {
    entry->running = 0;
    entry->status = status;
    entry->ended_ms = epoch_ms();
    entry->kill_at = 0;
    entry->deadline = 0;
    // The job is over: the rest of its tree goes with it.
    if (entry->cgroup[0] == '\0' || tree_alive(entry)) signal_tree(entry, SIGKILL);
    sweep_orphans();
    entry->tree_until = monotonic_ms() + TREE_WAIT_MS;
    if (!tree_alive(entry)) report(entry);
}

static void fail_start(const char *job, long attempt, const char *cause) __attribute__((unused));
static void fail_start(const char *job, long attempt, const char *cause) {
    entry_t *entry = add_entry(job, attempt);
    entry->status = 127 << 8;
    entry->ended_ms = epoch_ms();
    snprintf(entry->cause, sizeof entry->cause, "%s", cause);
    report(entry);
}

// MARK: - Starting

/// Fields of a frame, in order.
typedef struct {
    char *fields[64];
    int count;
    char *rest;  // first field past the fixed ones
    char *end;
} fields_t;

static void split_fields(char *payload, size_t length, fields_t *out, int fixed) {
    out->count = 0;
    out->end = payload + length;
    char *cursor = payload;
    while (out->count < fixed && cursor < out->end) {
        out->fields[out->count++] = cursor;
        cursor += strnlen(cursor, (size_t)(out->end - cursor)) + 1;
    }
    out->rest = cursor;
}

/// Reads `count` NUL-terminated strings from `*cursor` into a NULL-terminated array; NULL when the frame is short.
static char **read_list(char **cursor, char *end, long count) {
    if (count < 0 || count > 1 << 20) return NULL;
    char **list = calloc((size_t)count + 1, sizeof *list);
    if (list == NULL) return NULL;
    for (long i = 0; i < count; i++) {
        if (*cursor >= end) { free(list); return NULL; }
        list[i] = *cursor;
        *cursor += strnlen(*cursor, (size_t)(end - *cursor)) + 1;
    }
    return list;
}

/// Start frame: job, attempt, executable ("" to search the job's PATH), working directory, log file, timeout ms
/// (0: none), grace ms, group ("" for none), group capacity in milli-vCPUs and MiB, the attempt's need in milli-vCPUs and
/// MiB, argument count, arguments..., environment count, variables... Queued until its group has room.
static void enqueue(char *payload, size_t length) {
    fields_t f;
    split_fields(payload, length, &f, 12);
    if (f.count < 12) return;
    const char *job = f.fields[0];
    long attempt = atol(f.fields[1]);
    if (find_entry(job, attempt) != NULL) return;
    if (find_running(job) != NULL) {
        // Never two copies of one job at once, whatever an engine asks.
        fail_start(job, attempt, "refused");
        return;
    }
    entry_t *entry = add_entry(job, attempt);
    entry->queued = 1;
    entry->request = malloc(length);
    if (entry->request == NULL) abort();
    memcpy(entry->request, payload, length);
    entry->request_length = length;
    entry->need_cpu = atoll(f.fields[10]);
    entry->need_memory = atoll(f.fields[11]);
    if (f.fields[7][0] != '\0') {
        int found = -1;
        for (size_t i = 0; i < group_count && found < 0; i++) if (strcmp(groups[i].name, f.fields[7]) == 0) found = (int)i;
        if (found < 0) {
            groups = grow(groups, &group_cap, group_count + 1, sizeof *groups);
            found = (int)group_count++;
            memset(&groups[found], 0, sizeof groups[found]);
            snprintf(groups[found].name, sizeof groups[found].name, "%s", f.fields[7]);
        }
        groups[found].capacity_cpu = atoll(f.fields[8]);
        groups[found].capacity_memory = atoll(f.fields[9]);
        entry->group = found;
    }
    pump(entry->group);
}

static void spawn(entry_t *entry);

/// Starts the oldest queued attempts of `group` (-1: those of no group) while they fit.
static void pump(int group) {
    while (!holding) {
        entry_t *head = NULL;
        for (size_t i = 0; i < entry_count; i++) {
            if (entries[i].queued && entries[i].group == group && (head == NULL || entries[i].seq < head->seq)) head = &entries[i];
        }
        if (head == NULL) return;
        if (group >= 0) {
            group_t *room = &groups[group];
            int empty = room->used_cpu == 0 && room->used_memory == 0;
            if (!empty && (room->used_cpu + head->need_cpu > room->capacity_cpu ||
                           room->used_memory + head->need_memory > room->capacity_memory)) return;
            room->used_cpu += head->need_cpu;
            room->used_memory += head->need_memory;
        }
        head->queued = 0;
        spawn(head);
    }
}

/// Starts a dequeued attempt: on failure its exit is reported at once.
static void spawn(entry_t *entry) {
    fields_t f;
    split_fields(entry->request, entry->request_length, &f, 12);
    const char *executable = f.fields[2], *directory = f.fields[3], *log = f.fields[4];
    long long timeout = atoll(f.fields[5]), grace = atoll(f.fields[6]);
    char *cursor = f.rest;
    long argc = cursor < f.end ? atol(cursor) : 0;
    if (cursor < f.end) cursor += strlen(cursor) + 1;
    char **argv = read_list(&cursor, f.end, argc);
    long envc = cursor < f.end ? atol(cursor) : -1;
    if (cursor < f.end) cursor += strlen(cursor) + 1;
    char **envp = read_list(&cursor, f.end, envc);
    if (argv == NULL || envp == NULL || argc < 1) {
        free(argv);
        free(envp);
        entry->status = 127 << 8;
        entry->ended_ms = epoch_ms();
        snprintf(entry->cause, sizeof entry->cause, "exec:%d", EINVAL);
        report(entry);
        return;
    }

    // Candidate programs, worked out here: the child of vfork must only exec.
    char *candidates[64];
    int candidate_count = 0;
    if (executable[0] != '\0' || strchr(argv[0], '/') != NULL) {
        candidates[candidate_count++] = strdup(executable[0] ? executable : argv[0]);
    } else {
        const char *path = "/usr/local/bin:/usr/bin:/bin";
        for (long i = 0; i < envc; i++) if (strncmp(envp[i], "PATH=", 5) == 0) path = envp[i] + 5;
        char *copy = strdup(path), *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir && candidate_count < 64; dir = strtok_r(NULL, ":", &save)) {
            char *full = NULL;
            if (asprintf(&full, "%s/%s", dir, argv[0]) > 0) candidates[candidate_count++] = full;
        }
        free(copy);
    }

    char cause[48] = "";
    int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) snprintf(cause, sizeof cause, "log:%d", errno);
    char cgroup[32] = "";
    int cgroup_procs = -1, cgroup_events = -1;
    if (log_fd >= 0 && cgroup_fd >= 0) {
        if (free_cgroup_count > 0) {
            cgroup_slot_t *slot = &free_cgroups[--free_cgroup_count];
            snprintf(cgroup, sizeof cgroup, "%s", slot->name);
            cgroup_procs = slot->procs;
            cgroup_events = slot->events;
        } else {
            snprintf(cgroup, sizeof cgroup, "j%lu", ++cgroup_seq);
            char path[64];
            if (mkdirat(cgroup_fd, cgroup, 0755) == 0) {
                snprintf(path, sizeof path, "%s/cgroup.procs", cgroup);
                cgroup_procs = openat(cgroup_fd, path, O_WRONLY | O_CLOEXEC);
                snprintf(path, sizeof path, "%s/cgroup.events", cgroup);
                cgroup_events = openat(cgroup_fd, path, O_RDONLY | O_CLOEXEC);
            }
            if (cgroup_procs < 0 || cgroup_events < 0) {
                if (cgroup_procs >= 0) close(cgroup_procs);
                if (cgroup_events >= 0) close(cgroup_events);
                cgroup_procs = cgroup_events = -1;
                unlinkat(cgroup_fd, cgroup, AT_REMOVEDIR);
                cgroup[0] = '\0';
            }
        }
    }
    pid_t pid = -1;
    if (log_fd >= 0) {
        pid_t parent = getpid();
        child_errno = 0;
        pid = vfork();
        if (pid == 0) {
            setpgid(0, 0);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(127);
            if (cgroup_procs >= 0 && write(cgroup_procs, "0", 1) != 1) { /* runs outside a cgroup */ }
            sigset_t none;
            sigemptyset(&none);
            int null_fd = open("/dev/null", O_RDONLY);
            if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) {
                child_errno = errno ? errno : EIO;
                _exit(127);
            }
            syscall(SYS_close_range, 3u, ~0u, 0u);
            if (directory[0] != '\0' && chdir(directory) != 0) {
                child_errno = errno;
                _exit(127);
            }
            sigprocmask(SIG_SETMASK, &none, NULL);
            int first_error = ENOENT;
            for (int i = 0; i < candidate_count; i++) {
                execve(candidates[i], argv, envp);
                if (errno != ENOENT && first_error == ENOENT) first_error = errno;
            }
            child_errno = first_error;
            _exit(127);
        }
        int spawn_errno = pid < 0 ? errno : child_errno;
        if (pid > 0 && spawn_errno != 0) {
            int status;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        }
        if (pid < 0 || spawn_errno != 0) {
            snprintf(cause, sizeof cause, "%s:%d", pid < 0 ? "fork" : "exec", spawn_errno);
            pid = -1;
        }
        close(log_fd);
    }
    for (int i = 0; i < candidate_count; i++) free(candidates[i]);
    free(argv);
    free(envp);
    if (pid < 0) {
        if (cgroup[0]) {
            close(cgroup_procs);
            close(cgroup_events);
            unlinkat(cgroup_fd, cgroup, AT_REMOVEDIR);
        }
        entry->status = 127 << 8;
        entry->ended_ms = epoch_ms();
        snprintf(entry->cause, sizeof entry->cause, "%s", cause);
        report(entry);
        return;
    }
    entry->pid = pid;
    entry->running = 1;
    entry->started_ms = epoch_ms();
    entry->grace_ms = grace;
    entry->log = strdup(log);
    if (timeout > 0) entry->deadline = monotonic_ms() + timeout;
    snprintf(entry->cgroup, sizeof entry->cgroup, "%s", cgroup);
    entry->cgroup_procs = cgroup_procs;
    entry->cgroup_events = cgroup_events;
    free(entry->request);
    entry->request = NULL;
    journal("R %ld %d %lld %s %s\n", entry->attempt, (int)pid, entry->started_ms, cgroup[0] ? cgroup : "-", entry->job);
    send_started(NULL, entry);
}

// MARK: - Requests

/// Signal frame: job, attempt, signal number, ms after which SIGKILL follows (-1: none).
static void signal_attempt(char *payload, size_t length) {
    fields_t f;
    split_fields(payload, length, &f, 4);
    if (f.count < 4) return;
    entry_t *entry = find_entry(f.fields[0], atol(f.fields[1]));
    if (entry != NULL && entry->queued) {
        drop_queued(entry);
        return;
    }
    if (entry == NULL || !entry->running) return;
    int number = atoi(f.fields[2]);
    long long after = atoll(f.fields[3]);
    signal_tree(entry, number);
    if (after >= 0) {
        long long at = monotonic_ms() + after;
        if (entry->kill_at == 0 || at < entry->kill_at) entry->kill_at = at;
    }
}

/// Rewrites the journal with only what it must still tell (the cgroup folder, attempts running, exits not yet
/// acknowledged), so that a supervisor serving jobs without end keeps a small journal. The new file replaces the old
/// one by rename: a reader sees one or the other, whole.
static void compact_journal(void) {
    char temporary[96];
    snprintf(temporary, sizeof temporary, "%s.new", journal_name);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    int old = journal_fd;
    journal_fd = fd;
    journal_bytes = 0;
    if (cgroup_fd >= 0) journal("C %s\n", cgroup_base);
    for (size_t i = 0; i < entry_count; i++) {
        entry_t *entry = &entries[i];
        if (entry->pid > 0) {
            journal("R %ld %d %lld %s %s\n", entry->attempt, (int)entry->pid, entry->started_ms,
                    entry->cgroup[0] ? entry->cgroup : "-", entry->job);
        }
        if (entry->reported) {
            journal("X %ld %d %lld %s %s\n", entry->attempt, entry->status, entry->ended_ms,
                    entry->cause[0] ? entry->cause : "-", entry->job);
        }
    }
    if (rename(temporary, journal_name) != 0) {
        // Keep appending to the old journal, which still holds everything.
        close(fd);
        unlink(temporary);
        journal_fd = old;
        return;
    }
    close(old);
}

/// Acknowledge frame: job, attempt. The engine has recorded the exit: forget it.
static void acknowledge(char *payload, size_t length) {
    fields_t f;
    split_fields(payload, length, &f, 2);
    if (f.count < 2) return;
    entry_t *entry = find_entry(f.fields[0], atol(f.fields[1]));
    if (entry != NULL && !entry->running && entry->reported) {
        journal("A %ld %s\n", entry->attempt, entry->job);
        remove_entry(entry);
    }
    if (journal_bytes > JOURNAL_LIMIT) compact_journal();
}

/// Hello: everything running and every exit not yet acknowledged, then the supervisor's own hello.
static void hello(client_t *client) {
    // Attempts queued by an engine that is gone never start: the new engine decides again.
    holding = 1;
    for (size_t i = 0; i < entry_count; i++) {
        if (entries[i].queued) drop_queued(&entries[i]);
    }
    holding = 0;
    client->hello = 1;
    for (size_t i = 0; i < entry_count; i++) {
        entry_t *entry = &entries[i];
        if (entry->pid > 0) send_started(client, entry);
        if (entry->reported) send_exited(client, entry);
    }
    char version[16], pid[24];
    snprintf(version, sizeof version, "%d", DROVER_SUPERVISOR_PROTOCOL);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    const char *fields[] = {version, pid, cgroup_fd >= 0 ? "cgroup" : "subreaper"};
    send_fields(client, 'H', 3, fields);
}

static void handle_frame(client_t *client, char *payload, size_t length) {
    if (length == 0) return;
    char type = payload[0];
    payload++;
    length--;
    switch (type) {
    case 'S': enqueue(payload, length); break;
    case 'K': signal_attempt(payload, length); break;
    case 'A': acknowledge(payload, length); break;
    case 'H': hello(client); break;
    default: break;
    }
}

static void close_client(client_t *client) {
    if (client->fd >= 0) close(client->fd);
    client->fd = -1;
    client->in_len = client->out_len = 0;
    client->hello = 0;
}

/// Reads what a connection has sent and handles each whole frame. Returns 0 once the connection is closed.
static int read_client(client_t *client) {
    for (;;) {
        client->in = grow(client->in, &client->in_cap, client->in_len + 65536, 1);
        ssize_t got = recv(client->fd, client->in + client->in_len, client->in_cap - client->in_len, MSG_DONTWAIT);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (got <= 0) {
            close_client(client);
            return 0;
        }
        client->in_len += (size_t)got;
        size_t offset = 0;
        while (client->in_len - offset >= 4) {
            uint32_t size;
            memcpy(&size, client->in + offset, 4);
            if (size > MAX_FRAME) {
                close_client(client);
                return 0;
            }
            if (client->in_len - offset - 4 < size) break;
            handle_frame(client, client->in + offset + 4, size);
            if (client->fd < 0) return 0;
            offset += 4 + size;
        }
        memmove(client->in, client->in + offset, client->in_len - offset);
        client->in_len -= offset;
    }
    return 1;
}

static void add_client(int fd) {
    struct ucred peer;
    socklen_t size = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || (peer.uid != getuid() && peer.uid != 0)) {
        close(fd);
        return;
    }
    // Whatever an earlier engine sent before it died is handled before a new engine is answered.
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd >= 0) read_client(&clients[i]);
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd < 0) {
            clients[i].fd = fd;
            return;
        }
    }
    close(fd);
}

// MARK: - Set-up

/// Creates `drover-supervisor-PID` under this process's cgroup (cgroup v2) when the machine allows it.
static void setup_cgroup(void) {
    if (getenv("DROVER_NO_CGROUP") != NULL) return;
    FILE *mounts = fopen("/proc/self/mountinfo", "re");
    if (mounts == NULL) return;
    char line[4096], mount_point[PATH_MAX] = "";
    while (fgets(line, sizeof line, mounts)) {
        char *separator = strstr(line, " - cgroup2 ");
        if (separator == NULL) continue;
        char root[PATH_MAX], point[PATH_MAX];
        if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) == 2 && strcmp(root, "/") == 0) {
            snprintf(mount_point, sizeof mount_point, "%s", point);
            break;
        }
    }
    fclose(mounts);
    if (mount_point[0] == '\0') return;
    FILE *own = fopen("/proc/self/cgroup", "re");
    if (own == NULL) return;
    char own_path[PATH_MAX] = "";
    while (fgets(line, sizeof line, own)) {
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(own_path, sizeof own_path, "%s", line + 3);
        }
    }
    fclose(own);
    if (own_path[0] == '\0') return;
    snprintf(cgroup_base, sizeof cgroup_base, "%s%s/drover-supervisor-%d", mount_point,
             strcmp(own_path, "/") == 0 ? "" : own_path, (int)getpid());
    if (mkdir(cgroup_base, 0755) != 0) return;
    char kill_file[PATH_MAX + 16];
    snprintf(kill_file, sizeof kill_file, "%s/cgroup.kill", cgroup_base);
    if (access(kill_file, W_OK) != 0) {
        rmdir(cgroup_base);
        return;
    }
    cgroup_fd = open(cgroup_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup_fd < 0) {
        rmdir(cgroup_base);
        return;
    }
    journal("C %s\n", cgroup_base);
}

static int any_work(void) {
    if (entry_count > 0) return 1;
    for (int i = 0; i < MAX_CLIENTS; i++) if (clients[i].fd >= 0) return 1;
    return 0;
}

/// Removes the job cgroups and the supervisor's own (what is still populated stays: the kernel refuses).
static void remove_cgroups(void) {
    if (cgroup_fd < 0) return;
    for (unsigned long i = 1; i <= cgroup_seq; i++) {
        char name[32];
        snprintf(name, sizeof name, "j%lu", i);
        unlinkat(cgroup_fd, name, AT_REMOVEDIR);
    }
    rmdir(cgroup_base);
}

static void finish_and_exit(int code) {
    int keep_journal = 0;
    for (size_t i = 0; i < entry_count; i++) keep_journal |= entries[i].reported;
    if (journal_fd >= 0) {
        if (keep_journal) fsync(journal_fd);
        close(journal_fd);
    }
    if (!keep_journal) unlink(journal_name);
    unlink(socket_name);
    remove_cgroups();
    _exit(code);
}

int drover_supervisor_main(int argc, char **argv) {
    if (argc < 3 || strcmp(argv[1], "--drover-supervisor") != 0) return -1;
    // argv: drover --drover-supervisor RUN_DIR; fd 3 is the connection to the engine that started it.
    if (chdir(argv[2]) != 0) return 1;
    // Hold nothing of the engine's but the connection: not its terminal, not its output files or pipes (whoever
    // waits for the engine's output to end must not wait for the supervisor too).
    syscall(SYS_close_range, 4u, ~0u, 0u);
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(null_fd, 2);
        if (null_fd > 3) close(null_fd);
    }
    // The engine waits for this first process; the supervisor proper is its child, which no engine has to reap.
    pid_t first = fork();
    if (first < 0) return 1;
    if (first > 0) _exit(0);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    prctl(PR_SET_NAME, "drover-superv");
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGCHLD);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGHUP);
    sigaddset(&handled, SIGPIPE);
    sigprocmask(SIG_BLOCK, &handled, NULL);
    int signal_fd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd < 0) return 1;

    snprintf(socket_name, sizeof socket_name, "supervisor-%d.sock", (int)getpid());
    snprintf(journal_name, sizeof journal_name, "supervisor-%d.journal", (int)getpid());
    journal_fd = open(journal_name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_name);
    unlink(socket_name);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(listen_fd, 8) != 0) {
        return 1;
    }
    chmod(socket_name, 0600);
    setup_cgroup();
    for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
    fcntl(3, F_SETFD, FD_CLOEXEC);
    clients[0].fd = 3;
    long long next_check = monotonic_ms() + 2000;

    for (;;) {
        // Timers: timeouts, SIGKILL after a grace period, trees still dying.
        long long now = monotonic_ms();
        long long wake = now + 2000;
        for (size_t i = 0; i < entry_count; i++) {
            entry_t *entry = &entries[i];
            if (entry->running && entry->deadline && now >= entry->deadline) {
                entry->deadline = 0;
                snprintf(entry->cause, sizeof entry->cause, "timeout");
                signal_tree(entry, SIGTERM);
                long long at = now + entry->grace_ms;
                if (entry->kill_at == 0 || at < entry->kill_at) entry->kill_at = at;
            }
            if (entry->running && entry->kill_at && now >= entry->kill_at) {
                entry->kill_at = 0;
                signal_tree(entry, SIGKILL);
            }
            if (!entry->running && !entry->reported && !entry->queued) {
                if (!tree_alive(entry) || now >= entry->tree_until) report(entry);
                else if (now + 10 < wake) wake = now + 10;
            }
            if (entry->running && entry->deadline && entry->deadline < wake) wake = entry->deadline;
            if (entry->running && entry->kill_at && entry->kill_at < wake) wake = entry->kill_at;
        }
        if (now >= next_check) {
            next_check = now + 2000;
            sweep_orphans();
            // The state directory was removed: nobody can ever record these jobs.
            struct stat info;
            if (journal_fd >= 0 && fstat(journal_fd, &info) == 0 && info.st_nlink == 0) {
                for (size_t i = 0; i < entry_count; i++) if (entries[i].running) signal_tree(&entries[i], SIGKILL);
                long long until = monotonic_ms() + 1000;
                while (monotonic_ms() < until) {
                    int status;
                    pid_t done = waitpid(-1, &status, WNOHANG);
                    if (done < 0) break;
                    if (done == 0) usleep(10000);
                }
                remove_cgroups();
                _exit(0);
            }
        }
        for (int i = 0; i < MAX_CLIENTS; i++) flush_client(&clients[i]);
        if (!any_work()) finish_and_exit(0);

        struct pollfd fds[2 + MAX_CLIENTS];
        int count = 0;
        fds[count++] = (struct pollfd){.fd = signal_fd, .events = POLLIN};
        fds[count++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
        for (int i = 0; i < MAX_CLIENTS; i++) {
            short events = POLLIN;
            if (clients[i].out_len > 0) events |= POLLOUT;
            fds[count++] = (struct pollfd){.fd = clients[i].fd, .events = events};
        }
        long long timeout = wake - monotonic_ms();
        if (timeout < 0) timeout = 0;
        if (poll(fds, (nfds_t)count, (int)timeout) < 0 && errno != EINTR) return 1;

        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            int terminate = 0;
            while (read(signal_fd, &info, sizeof info) == sizeof info) {
                if (info.ssi_signo == SIGTERM) terminate = 1;
            }
            for (;;) {
                int status;
                pid_t done = waitpid(-1, &status, WNOHANG);
                if (done <= 0) break;
                for (size_t i = 0; i < entry_count; i++) {
                    if (entries[i].running && entries[i].pid == done) {
                        ended(&entries[i], status);
                        break;
                    }
                }
            }
            if (terminate) {
                // Asked to go: the jobs go first, and their exits are kept in the journal.
                holding = 1;
                for (size_t i = 0; i < entry_count; i++) {
                    if (entries[i].queued) drop_queued(&entries[i]);
                }
                for (size_t i = 0; i < entry_count; i++) {
                    if (entries[i].running) {
                        snprintf(entries[i].cause, sizeof entries[i].cause, "supervisor");
                        signal_tree(&entries[i], SIGKILL);
                    }
                }
                long long until = monotonic_ms() + TREE_WAIT_MS;
                for (;;) {
                    int still = 0;
                    for (size_t i = 0; i < entry_count; i++) still |= entries[i].running;
                    if (!still || monotonic_ms() > until) break;
                    int status;
                    pid_t done = waitpid(-1, &status, 0);
                    if (done < 0 && errno != EINTR) break;
                    for (size_t i = 0; i < entry_count; i++) {
                        if (entries[i].running && entries[i].pid == done) ended(&entries[i], status);
                    }
                }
                for (size_t i = 0; i < entry_count; i++) report(&entries[i]);
                for (int i = 0; i < MAX_CLIENTS; i++) flush_client(&clients[i]);
                finish_and_exit(0);
            }
        }
        if (fds[1].revents & POLLIN) {
            for (;;) {
                int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) break;
                add_client(fd);
            }
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].fd >= 0 && (fds[2 + i].revents & (POLLIN | POLLHUP | POLLERR))) read_client(&clients[i]);
        }
    }
}
