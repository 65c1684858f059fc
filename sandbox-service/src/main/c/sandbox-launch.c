/*
 * sandbox-launch: the first step of every sandbox, one exec between the service and bubblewrap.
 *
 * The JVM can neither set another process's rlimits, nor hand it extra file descriptors, nor
 * change its uid. This program does all three, then exec's the rest of its command line (bubblewrap,
 * which exec's the interpreter), so one pid carries the sandbox from here to the interpreter:
 *
 *   sandbox-launch [--rlimit=NAME:SOFT:HARD]... [--fd3=FILE] [--tmpfs=DIR:BYTES:INODES] [--uid=UID --gid=GID] -- PROGRAM [ARG]...
 *
 *   --rlimit  sets a resource limit; NAME is cpu, fsize, nproc, nofile, as or core, values are in
 *             the kernel's units (seconds, bytes, processes, descriptors, bytes, bytes)
 *   --fd3     opens FILE read-only as descriptor 3, left open across the exec (the seccomp filter
 *             bubblewrap reads with --seccomp 3); opened before the uid changes, so it may be private
 *   --tmpfs   DIR:BYTES:INODES, with --uid: moves this process into a mount namespace of its own
 *             (private: nothing propagates to or from the host) and mounts there a tmpfs on DIR of at
 *             most BYTES and INODES, owned by the uid, with the directories workspace, tmp and shm:
 *             the sandbox's writable places, bound by bubblewrap, so the kernel itself holds all of
 *             them together to the run's disk and inode quota. The mount goes away with the last
 *             process of the sandbox: nothing to unmount, nothing left after a crash
 *   --uid     with --gid: drops to this uid and gid for good (real, effective and saved), with no
 *             supplementary groups; numeric ids only, never looked up by name, never 0. Standard
 *             streams that are anonymous pipes (what the service hands over) are given to that uid
 *             first: the program can then reopen them as /dev/stdin, /dev/stdout and /dev/stderr,
 *             which are links to /proc/self/fd/N and answer to the pipe's owner only
 *
 * no_new_privs is always set. PROGRAM is a path, run with the environment this program received.
 *
 *   sandbox-launch --init [--bridge=PORT:SOCKET] -- PROGRAM [ARG]...
 *
 * is the other use, inside the sandbox as pid 1 of its pid namespace: it runs PROGRAM as a child,
 * reaps every process that ends up orphaned in the namespace, and exits as soon as PROGRAM ends,
 * with its exit status or 128 + the signal that killed it (the kernel then kills whatever is left
 * in the namespace). PROGRAM is thereby an ordinary process: pid 1 ignores every signal it has no
 * handler for when it comes from inside its namespace, so an interpreter running as pid 1 would
 * survive its own `kill -9 $$`, a SIGSEGV it sends itself or an alarm() without handler.
 * With --bridge (runs with a network policy) it also listens on 127.0.0.1:PORT, inside the
 * sandbox's own network namespace, before PROGRAM starts, and relays every connection to the Unix
 * socket SOCKET (the service's egress proxy, bound into the sandbox): a process of its own accepts,
 * and a child per connection copies both ways until both sides are done. The namespace has nothing
 * but loopback, so that socket is the only way out.
 * Exit status 125 (and a message on stderr) when a step fails, 127 when PROGRAM cannot be exec'd;
 * --version prints the version and exits 0.
 *
 * The sandbox service builds it when a C compiler is present (see build.sh) and falls back to a
 * shell with setpriv when it is not; both do the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAUNCH_VERSION "6"
#define EXIT_FAILED 125
#define EXIT_NOT_RUN 127
#define MAX_RLIMITS 16
#define PIPEFS_MAGIC 0x50495045

extern char **environ;

struct named_limit {
    const char *name;
    int resource;
};

static const struct named_limit LIMIT_NAMES[] = {
    {"cpu", RLIMIT_CPU},     {"fsize", RLIMIT_FSIZE}, {"nproc", RLIMIT_NPROC},
    {"nofile", RLIMIT_NOFILE}, {"as", RLIMIT_AS},       {"core", RLIMIT_CORE},
};

struct limit_request {
    const char *name;
    int resource;
    struct rlimit value;
};

static void fail(const char *what, const char *detail) {
    if (detail != NULL) {
        fprintf(stderr, "sandbox-launch: %s: %s\n", what, detail);
    } else {
        fprintf(stderr, "sandbox-launch: %s\n", what);
    }
    exit(EXIT_FAILED);
}

static void fail_errno(const char *what) {
    fail(what, strerror(errno));
}

/* A decimal number without sign, spaces or trailing characters: what the service writes. */
static int parse_number(const char *text, const char *end, unsigned long long *out) {
    if (text == end) {
        return -1;
    }
    unsigned long long value = 0;
    for (const char *c = text; c < end; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        unsigned digit = (unsigned) (*c - '0');
        if (value > (ULLONG_MAX - digit) / 10) {
            return -1;
        }
        value = value * 10 + digit;
    }
    *out = value;
    return 0;
}

/* A uid or gid: below (uid_t) -1, which the kernel reads as "leave unchanged". */
static long long id_option(const char *option, const char *text) {
    unsigned long long value;
    if (parse_number(text, text + strlen(text), &value) != 0 || value >= UINT_MAX) {
        fail(option, "expects a decimal number below 4294967295");
    }
    return (long long) value;
}

/* NAME:SOFT:HARD */
static struct limit_request parse_rlimit(const char *spec) {
    const char *first = strchr(spec, ':');
    const char *second = first == NULL ? NULL : strchr(first + 1, ':');
    if (second == NULL) {
        fail("--rlimit", "expects NAME:SOFT:HARD");
    }
    struct limit_request request = {NULL, -1, {0, 0}};
    for (size_t i = 0; i < sizeof LIMIT_NAMES / sizeof LIMIT_NAMES[0]; i++) {
        size_t length = strlen(LIMIT_NAMES[i].name);
        if ((size_t) (first - spec) == length && strncmp(spec, LIMIT_NAMES[i].name, length) == 0) {
            request.name = LIMIT_NAMES[i].name;
            request.resource = LIMIT_NAMES[i].resource;
        }
    }
    if (request.name == NULL) {
        fail("--rlimit", "unknown limit (cpu, fsize, nproc, nofile, as, core)");
    }
    unsigned long long soft;
    unsigned long long hard;
    if (parse_number(first + 1, second, &soft) != 0 || parse_number(second + 1, second + 1 + strlen(second + 1), &hard) != 0) {
        fail("--rlimit", "expects decimal SOFT and HARD values");
    }
    if (soft > hard) {
        fail("--rlimit", "SOFT is above HARD");
    }
    if (hard > (unsigned long long) (rlim_t) -1) {
        fail("--rlimit", "value too large for this system");
    }
    request.value.rlim_cur = (rlim_t) soft;
    request.value.rlim_max = (rlim_t) hard;
    return request;
}

struct tmpfs_request {
    char directory[PATH_MAX];
    unsigned long long bytes;
    unsigned long long inodes;
};

/* DIR:BYTES:INODES, DIR absolute; the numbers are what the service computed, never 0. */
static struct tmpfs_request parse_tmpfs(const char *spec) {
    struct tmpfs_request request = {{0}, 0, 0};
    const char *second = strrchr(spec, ':');
    const char *first = NULL;
    for (const char *c = spec; second != NULL && c < second; c++) {
        if (*c == ':') {
            first = c;
        }
    }
    if (first == NULL || spec[0] != '/' || (size_t) (first - spec) >= sizeof request.directory
            || parse_number(first + 1, second, &request.bytes) != 0
            || parse_number(second + 1, second + 1 + strlen(second + 1), &request.inodes) != 0
            || request.bytes == 0 || request.inodes == 0) {
        fail("--tmpfs", "expects /DIR:BYTES:INODES with positive numbers");
    }
    memcpy(request.directory, spec, (size_t) (first - spec));
    return request;
}

static void mount_tmpfs(const struct tmpfs_request *request, uid_t uid, gid_t gid) {
    if (unshare(CLONE_NEWNS) != 0) {
        fail_errno("unshare(CLONE_NEWNS)");
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        fail_errno("mount --make-rprivate /");
    }
    char options[160];
    snprintf(options, sizeof options, "size=%llu,nr_inodes=%llu,mode=0700,uid=%u,gid=%u", request->bytes,
             request->inodes, (unsigned) uid, (unsigned) gid);
    if (mount("tmpfs", request->directory, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0) {
        fail_errno("mount tmpfs");
    }
    static const char *const DIRECTORIES[] = {"workspace", "tmp", "shm"};
    for (size_t d = 0; d < sizeof DIRECTORIES / sizeof DIRECTORIES[0]; d++) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s/%s", request->directory, DIRECTORIES[d]);
        if (mkdir(path, 0700) != 0 || chown(path, uid, gid) != 0) {
            fail_errno("tmpfs directory");
        }
    }
}

/* Only anonymous pipes: a terminal, /dev/null or a file on fd 0-2 keeps its owner. */
static void hand_over_streams(uid_t uid, gid_t gid) {
    for (int fd = 0; fd <= 2; fd++) {
        struct statfs filesystem;
        if (fstatfs(fd, &filesystem) == 0 && filesystem.f_type == PIPEFS_MAGIC && fchown(fd, uid, gid) != 0) {
            fail_errno("fchown of a standard stream");
        }
    }
}

static int starts_with(const char *text, const char *prefix) {
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

struct bridge {
    int listener; /* -1: no bridge */
    struct sockaddr_un target;
};

/* PORT:SOCKET; the listening socket is ready before the program starts, so no connection is early. */
static struct bridge open_bridge(const char *spec) {
    struct bridge bridge = {-1, {0}};
    const char *colon = strchr(spec, ':');
    unsigned long long port;
    if (colon == NULL || parse_number(spec, colon, &port) != 0 || port == 0 || port > 65535) {
        fail("--bridge", "expects PORT:SOCKET");
    }
    const char *path = colon + 1;
    if (path[0] != '/' || strlen(path) >= sizeof bridge.target.sun_path) {
        fail("--bridge", "SOCKET must be an absolute path shorter than 108 bytes");
    }
    bridge.target.sun_family = AF_UNIX;
    strcpy(bridge.target.sun_path, path);
    bridge.listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bridge.listener < 0) {
        fail_errno("bridge socket");
    }
    int on = 1;
    setsockopt(bridge.listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t) port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(bridge.listener, (struct sockaddr *) &address, sizeof address) != 0) {
        fail_errno("bridge bind");
    }
    if (listen(bridge.listener, 64) != 0) {
        fail_errno("bridge listen");
    }
    return bridge;
}

/* Copies what one side sends to the other; an end of input is passed on as a half-close. */
static void relay(int client, int proxy) {
    char buffer[65536];
    struct pollfd fds[2] = {{client, POLLIN, 0}, {proxy, POLLIN, 0}};
    int peer[2] = {proxy, client};
    int open_sides = 2;
    while (open_sides > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        for (int side = 0; side < 2; side++) {
            if (fds[side].fd < 0 || (fds[side].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            ssize_t got = read(fds[side].fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                if (got < 0) {
                    return; /* reset: the process exits, which closes both */
                }
                shutdown(peer[side], SHUT_WR);
                fds[side].fd = -1;
                open_sides--;
                continue;
            }
            for (ssize_t sent = 0; sent < got;) {
                ssize_t wrote = write(peer[side], buffer + sent, (size_t) (got - sent));
                if (wrote < 0 && errno == EINTR) {
                    continue;
                }
                if (wrote <= 0) {
                    return;
                }
                sent += wrote;
            }
        }
    }
}

/* The bridge process: accepts forever; the namespace's end ends it. */
static void run_bridge(struct bridge bridge) {
    signal(SIGCHLD, SIG_IGN); /* connection children are reaped by the kernel */
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int client = accept4(bridge.listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            continue;
        }
        /* Small requests and answers: Nagle's algorithm would hold each one for an acknowledgement. */
        int on = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        pid_t child = fork();
        if (child == 0) {
            close(bridge.listener);
            int proxy = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (proxy >= 0 && connect(proxy, (struct sockaddr *) &bridge.target, sizeof bridge.target) == 0) {
                relay(client, proxy);
            }
            _exit(0);
        }
        close(client);
    }
}

/* --init: runs the command as a child, reaps until it ends, and exits as it did. */
static int run_as_init(char **command, struct bridge bridge) {
    /*
     * vfork: the child only exec's (or reports and exits), so neither copies the init's page
     * tables nor takes copy-on-write faults before the exec; both are a noticeable part of a
     * sandbox's start where page-table work is expensive (virtual machines).
     */
    pid_t program = vfork();
    if (program < 0) {
        fail_errno("vfork");
    }
    if (program == 0) {
        execve(command[0], command, environ);
        /* Only async-signal-safe calls here: the child shares the parent's memory until it exits. */
        static const char prefix[] = "sandbox-launch: cannot execute ";
        ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
        ignored = write(STDERR_FILENO, command[0], strlen(command[0]));
        ignored = write(STDERR_FILENO, "\n", 1);
        (void) ignored;
        _exit(EXIT_NOT_RUN);
    }
    /*
     * Not dumpable: the program runs as the same uid, and could otherwise open /proc/1/mem and
     * take over this process, which stays outside the run's cgroups (its limits and accounting
     * cover the program only).
     */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        kill(program, SIGKILL);
        fail_errno("prctl(PR_SET_DUMPABLE)");
    }
    if (bridge.listener >= 0) {
        /* Forked after the prctl: not dumpable either, and outside the run's cgroups like the init. */
        pid_t relay_process = fork();
        if (relay_process < 0) {
            kill(program, SIGKILL);
            fail_errno("fork of the bridge");
        }
        if (relay_process == 0) {
            run_bridge(bridge);
            _exit(0);
        }
        close(bridge.listener);
    }
    for (;;) {
        int status;
        pid_t ended = waitpid(-1, &status, 0);
        if (ended < 0 && errno == EINTR) {
            continue;
        }
        if (ended < 0) {
            return EXIT_FAILED; /* cannot happen while the program is our child */
        }
        if (ended == program) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--init") == 0) {
        struct bridge bridge = {-1, {0}};
        int next = 2;
        if (argc > next && starts_with(argv[next], "--bridge=")) {
            bridge = open_bridge(argv[next] + strlen("--bridge="));
            next++;
        }
        if (argc < next + 2 || strcmp(argv[next], "--") != 0 || argv[next + 1][0] != '/') {
            fail("usage", "sandbox-launch --init [--bridge=PORT:SOCKET] -- /PROGRAM [ARG]...");
        }
        return run_as_init(&argv[next + 1], bridge);
    }
    struct limit_request limits[MAX_RLIMITS];
    int limit_count = 0;
    const char *fd3_file = NULL;
    struct tmpfs_request tmpfs = {{0}, 0, 0};
    long long uid = -1;
    long long gid = -1;
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        } else if (strcmp(arg, "--version") == 0) {
            printf("sandbox-launch %s\n", LAUNCH_VERSION);
            return 0;
        } else if (starts_with(arg, "--rlimit=")) {
            if (limit_count == MAX_RLIMITS) {
                fail("--rlimit", "too many limits");
            }
            limits[limit_count++] = parse_rlimit(arg + strlen("--rlimit="));
        } else if (starts_with(arg, "--fd3=")) {
            fd3_file = arg + strlen("--fd3=");
        } else if (starts_with(arg, "--tmpfs=")) {
            tmpfs = parse_tmpfs(arg + strlen("--tmpfs="));
        } else if (starts_with(arg, "--uid=")) {
            uid = id_option("--uid", arg + strlen("--uid="));
        } else if (starts_with(arg, "--gid=")) {
            gid = id_option("--gid", arg + strlen("--gid="));
        } else {
            fail("unknown option", arg);
        }
    }
    if (i >= argc || argv[i][0] != '/') {
        fail("usage", "sandbox-launch [--rlimit=NAME:SOFT:HARD]... [--fd3=FILE] [--tmpfs=DIR:BYTES:INODES] [--uid=UID --gid=GID] -- /PROGRAM [ARG]...");
    }
    if ((uid < 0) != (gid < 0)) {
        fail("--uid and --gid", "both or neither");
    }
    if (uid == 0 || gid == 0) {
        fail("--uid and --gid", "a sandbox never runs as root");
    }
    if (tmpfs.bytes > 0 && uid < 0) {
        fail("--tmpfs", "needs --uid and --gid: the tmpfs belongs to the sandbox's uid");
    }

    /* Limits first: raising a hard limit needs the privileges given up below. */
    for (int l = 0; l < limit_count; l++) {
        if (setrlimit(limits[l].resource, &limits[l].value) != 0) {
            fprintf(stderr, "sandbox-launch: setrlimit %s: %s\n", limits[l].name, strerror(errno));
            return EXIT_FAILED;
        }
    }
    if (fd3_file != NULL) {
        int fd = open(fd3_file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fail_errno(fd3_file);
        }
        if (fd != 3) {
            /* dup2 clears close-on-exec on the copy: descriptor 3 survives the exec. */
            if (dup2(fd, 3) < 0) {
                fail_errno("dup2");
            }
            close(fd);
        } else if (fcntl(3, F_SETFD, 0) != 0) {
            fail_errno("fcntl");
        }
    }
    if (tmpfs.bytes > 0) {
        mount_tmpfs(&tmpfs, (uid_t) uid, (gid_t) gid);
    }
    if (uid >= 0) {
        hand_over_streams((uid_t) uid, (gid_t) gid);
        /* Groups before the uid: once the uid is dropped, they can no longer be changed. */
        if (setgroups(0, NULL) != 0) {
            fail_errno("setgroups");
        }
        if (setresgid((gid_t) gid, (gid_t) gid, (gid_t) gid) != 0) {
            fail_errno("setresgid");
        }
        if (setresuid((uid_t) uid, (uid_t) uid, (uid_t) uid) != 0) {
            fail_errno("setresuid");
        }
        /* Dropped for good: getting root back must fail. */
        if (uid != 0 && setuid(0) == 0) {
            fail("setresuid", "root could be regained");
        }
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    execve(argv[i], &argv[i], environ);
    fprintf(stderr, "sandbox-launch: %s: %s\n", argv[i], strerror(errno));
    return EXIT_NOT_RUN;
}
