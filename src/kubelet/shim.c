// kjob-shim: the container shim of shim.ts, and the spawner of spawner.ts, as one small native
// program. Built by scripts/build.mjs where a C compiler is found (dist/kubelet/kjob-shim); where
// none is, the perl programs in shim.ts and spawner.ts do the same work.
//
// Why a native program: by `perf record -a` of a Job of 300 `true` pods, the perl shim and the
// perl spawner took 28 ms of the machine's CPU a pod, against 11 ms for the pod's own bwrap and
// `true`; a quarter of the shim's was page faults (perl's heap, shared copy-on-write with the
// spawner and then with the container's fork, copied a page at a time as either side writes) and
// as much again perl's interpreter. This process is a few pages, and its shims are its threads.
//
// It does what shim.ts's SHIM does, step by step and with the same files and operands (shim.ts's
// shimOperands; the syscall numbers among them are for perl and are not used here), so the
// runtime reads either alike; shim.test.ts runs both on the same cases. See shim.ts's header for
// the why of each step. Run as:
//   kjob-shim ATTEMPT_DIR LOG NOTE MAXLINE MAXSIZE MAXFILES SYS_SETSID SYS_CLOCK STDIN ONCE TTY CGROUPS NETNS SYS_SETNS DETACH CMD...
// its command line then reads "kjob-shim ATTEMPT_DIR" (as the perl shim's $0 does: runtime.ts
// isShimOf), or as
//   kjob-shim --spawner
// the spawner: the requests of spawner.ts on stdin, one reply line each on stdout. Its shims are
// its threads (spawner_main says why), each a shim as above in all but its process. Or as
//   kjob-shim --pod-net ... / --node-net ... / --netns-del ...
// new network namespaces and their removal (pod_net.c, compiled with this file), or as
//   kjob-shim --ip-runner IP
// the runner of those and of ip for network.ts (ip_runner.c).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define TITLE "kjob-shim"
/** The shim's operands: 15 fixed ones and at least one word of the command. */
#define OPERANDS 16

/** A shim thread of the spawner: its attempt directory, held open (O_PATH) while it runs, which is
 * how the runtime knows it lives (runtime.ts liveShim); -1 in a shim process. */
static __thread int attempt_fd = -1;

/* ---- growable byte buffer ---- */

struct buf {
  char *p;
  size_t len, cap;
};

static void add(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    // A shim process ends; a shim thread cannot end its spawner's other shims with it, and loses
    // this piece (of a log line) instead.
    if (!p && attempt_fd < 0) _exit(255);
    if (!p) return;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

static void adds(struct buf *b, const char *s) { add(b, s, strlen(s)); }

/* ---- small file helpers (perl's open '>' is O_CREAT|O_TRUNC, 0666 before the umask) ---- */

/** Writes all of s unless an error stops it: how much was written (n when all). ip_runner.c's too. */
size_t write_all(int fd, const char *s, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(fd, s + off, n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    off += (size_t)w;
  }
  return off;
}

/** Closes those of n descriptors that are open (-1: not). */
static void close_each(const int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0) close(fds[i]);
}

/**
 * In a child that will exec: the signals back to their defaults. The spawner ignores SIGPIPE
 * (spawner_main), and an ignored signal stays ignored across an exec; a shim's SIGCHLD handler
 * must not run in a container's process, which shares the shim's memory until its exec. No
 * allocation: a container's process calls it before its exec.
 */
static void restore_child_signals(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &dfl, NULL);
  sigaction(SIGPIPE, &dfl, NULL);
}

/** The line after l in a NUL-ended text, NULL after the last. */
static char *next_line(char *l) {
  char *nl = strchr(l, '\n');
  return nl ? nl + 1 : NULL;
}

/** tmp + rename, as shim.ts's wfile: a reader never sees half a file. */
static void wfile(const char *dir, const char *name, const char *s) {
  char f[4096], tmp[4100];
  snprintf(f, sizeof f, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp", f);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return;
  write_all(fd, s, strlen(s));
  close(fd);
  rename(tmp, f);
}

/** Reads a small file whole (cgroup files); NULL with errno set when it cannot be opened. */
static char *slurp(const char *f) {
  int fd = open(f, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct buf b = {0};
  char chunk[4096];
  for (;;) {
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    add(&b, chunk, (size_t)r);
  }
  close(fd);
  if (!b.p) add(&b, "", 0);
  return b.p;
}

/* ---- the shim ---- */

// A shim's state. Thread-local: the native spawner runs each container's shim as a thread of its
// own (spawner_main), and a shim exec'd or forked is a process with one thread.
static __thread const char *dir, *logpath, *note, *stdin_fifo, *cg, *netns, *detach;
static __thread char *logdir, *logbase;
static __thread long maxline, maxsize, maxfiles;
static __thread int once, tty;
static __thread char **cmd;
static __thread int lf = -1;
static __thread long long size;
/** A shim thread's container's environment and working directory; a shim process's are its own. */
static __thread char **container_env;
static __thread const char *container_cwd;
/** The container's pidfd: readable once it ended (a thread has no SIGCHLD of its own); -1 without. */
static __thread int container_pidfd = -1;

/** Writes s to cgroup file f: shim.ts's cgwrite. 1: written (or, optional, the file is not there). */
static int cgwrite(const char *f, const char *v, int optional) {
  int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return optional && errno == ENOENT;
  if (write(fd, v, strlen(v)) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return 0;
  }
  close(fd);
  return 1;
}

/** Hands the controllers in want (space-separated) to f's cgroup's children, unless already handed:
 * shim.ts's cgenable. On the stack alone, as all the container's process does before its exec
 * (container_setup). */
static int cgenable(const char *f, const char *want) {
  char have[4096], w[1024], list[1024];
  int fd = open(f, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, have, sizeof have - 1);
  close(fd);
  if (n < 0) return 0;
  have[n] = 0;
  if ((size_t)snprintf(w, sizeof w, "%s", want) >= sizeof w) {
    errno = E2BIG;
    return 0;
  }
  size_t len = 0;
  char *save = NULL;
  for (char *c = strtok_r(w, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
    size_t cl = strlen(c);
    int found = 0;
    for (const char *x = have; !found && (x = strstr(x, c)); x += cl)
      found = (x == have || strchr(" \t\n", x[-1])) && strchr(" \t\n", x[cl]) != NULL; // x[cl] may be the NUL, which strchr finds
    if (found) continue;
    len += (size_t)snprintf(list + len, sizeof list - len, "%s+%s", len ? " " : "", c);
    if (len >= sizeof list) {
      errno = E2BIG; // never a controller's name cut short
      return 0;
    }
  }
  return !len || cgwrite(f, list, 0);
}

/**
 * Takes a directory of host mounts out of the mount table a sandbox starts from, when the runtime
 * names one (the DETACH operand, shim.ts ShimSpec detachMounts): the node's network namespace files
 * (/run/netns, network.ts NETNS_DIR: one mount each, a Job's running pods and the kept spares,
 * 15-20 in a Job of parallelism 16), for bubblewrap with no volume that reaches them. bubblewrap reads the whole
 * of /proc/self/mountinfo once for each of its 25-odd bind mounts (to set each one's flags on it
 * and on what lies under it), so every host mount costs each sandbox's start that many times over:
 * 20 more mounts made a sandboxed `xargs` of `true` take 1.6 ms more CPU a container (a fifth).
 * The container's process gets a mount namespace of its own, a slave of the host's so that
 * nothing it unmounts goes back, without that directory; bubblewrap hides /run behind a tmpfs
 * anyway. Where a step is refused (no
 * CAP_SYS_ADMIN; the directory not a mount point, as when another tool made the files), bubblewrap
 * starts from what is there, only without the saving: it makes its own namespace a slave before it
 * mounts anything, so a namespace left shared by a refused step changes nothing.
 */
static void detach_mounts(const char *mounts_dir) {
  if (unshare(CLONE_NEWNS) != 0) return;
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0) return;
  umount2(mounts_dir, MNT_DETACH | UMOUNT_NOFOLLOW);
}

/** dprintf on the stack (stdio may allocate): the spawner's replies, and what the container's
 * process says before its exec on its stderr, its log (container_setup says why). */
static void fdprintf(int fd, const char *fmt, ...) {
  char line[4400];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  write_all(fd, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

/** The container's process before it execs: its cgroups (the runtime's plan, a copy the shim made
 * for it to take apart), its network namespace and, when asked, a mount namespace without the
 * directory of mounts it is given (detached only after the namespace was entered: its file may be
 * under that directory). It shares the shim's memory, and a shim thread's is its spawner's, whose
 * other threads allocate meanwhile: it allocates nothing (a kill in the middle of a malloc would
 * leave the heap's lock taken). */
static void container_setup(char *plan) {
  char *save = NULL;
  for (char *line = strtok_r(plan, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *op = line, *p = "", *v = "";
    char *t = strchr(op, '\t');
    if (t) {
      *t = 0;
      p = t + 1;
      t = strchr(p, '\t');
      if (t) {
        *t = 0;
        v = t + 1;
      }
    }
    if (!strcmp(op, "join")) {
      if (cgwrite(p, "0", 0)) continue;
      fdprintf(2, "kjob: cannot join the cgroup %s: %s\n", p, strerror(errno));
      _exit(128);
    }
    char at[4096];
    int ok;
    if (!strcmp(op, "enable")) {
      snprintf(at, sizeof at, "%s/cgroup.subtree_control", p);
      ok = cgenable(at, v);
    } else {
      snprintf(at, sizeof at, "%s", p);
      ok = !strcmp(op, "mkdir") ? mkdir(p, 0777) == 0 || errno == EEXIST : cgwrite(p, v, !strcmp(op, "write?"));
    }
    if (ok) continue;
    // runc's words: "mkdir <path>: <error>" / "write <path>: <error>", the error's first letter lower-cased.
    char why[256], msg[sizeof at + sizeof why + 16];
    snprintf(why, sizeof why, "%s", strerror(errno));
    if (why[0] >= 'A' && why[0] <= 'Z') why[0] += 'a' - 'A';
    snprintf(msg, sizeof msg, "%s %s: %s", !strcmp(op, "mkdir") ? "mkdir" : "write", at, why);
    char json[2 * sizeof msg + 16];
    size_t j = (size_t)snprintf(json, sizeof json, "{\"cgroup\":\"");
    for (char *c = msg; *c; c++) {
      if (*c == '"' || *c == '\\') json[j++] = '\\';
      json[j++] = *c;
    }
    snprintf(json + j, sizeof json - j, "\"}");
    wfile(dir, "starterror", json);
    _exit(128);
  }
  if (*netns) {
    int fd = open(netns, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
      fdprintf(2, "kjob: cannot enter the network namespace %s: %s\n", netns, strerror(errno));
      _exit(1);
    }
    close(fd);
  }
  if (*detach) detach_mounts(detach);
}

/** Now, UTC, nanoseconds: "2006-01-02T15:04:05.000000000Z". */
static void stamp(char out[96]) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm t;
  gmtime_r(&ts.tv_sec, &t);
  snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec);
}

static __thread struct buf carry[2];
static const char *stream_names[2] = {"stdout", "stderr"};

static void record(struct buf *out, const char *head, const char *s, size_t n) {
  adds(out, head);
  add(out, s, n);
  add(out, "\n", 1);
}

/** Appends to out the CRI records of what was read from stream s: shim.ts's take. */
static void take(int s, const char *data, size_t n, struct buf *out) {
  struct buf *c = &carry[s];
  add(c, data, n);
  char ts[96], hf[128], hp[128];
  stamp(ts);
  snprintf(hf, sizeof hf, "%s %s F ", ts, stream_names[s]);
  snprintf(hp, sizeof hp, "%s %s P ", ts, stream_names[s]);
  const char *b = c->p;
  const char *last = c->len ? memrchr(b, '\n', c->len) : NULL;
  size_t end = last ? (size_t)(last - b) + 1 : 0, p = 0;
  while (p < end) {
    size_t nl = (size_t)((const char *)memchr(b + p, '\n', end - p) - b);
    size_t len = nl - p;
    if (len && b[nl - 1] == '\r') len--;
    while (len > (size_t)maxline) {
      record(out, hp, b + p, (size_t)maxline);
      p += (size_t)maxline;
      len -= (size_t)maxline;
    }
    record(out, hf, b + p, len);
    p = nl + 1;
  }
  const char *rest = b + end;
  size_t rl = c->len - end;
  while (rl > (size_t)maxline) {
    record(out, hp, rest, (size_t)maxline);
    rest += maxline;
    rl -= (size_t)maxline;
  }
  if (tty && rl) {
    record(out, hp, rest, rl);
    rl = 0;
  }
  memmove(c->p, rest, rl);
  c->len = rl;
}

/** The last piece of stream s, without its newline: a P record. */
static void finish(int s, struct buf *out) {
  struct buf *c = &carry[s];
  if (!c->len) return;
  char ts[96], hp[128];
  stamp(ts);
  snprintf(hp, sizeof hp, "%s %s P ", ts, stream_names[s]);
  record(out, hp, c->p, c->len);
  c->len = 0;
}

static int open_log(void) {
  int fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  return fd >= 0 ? fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
}

static int is_rotated_name(const char *n) {
  size_t bl = strlen(logbase);
  if (strncmp(n, logbase, bl) || n[bl] != '.') return 0;
  n += bl + 1;
  for (int i = 0; i < 15; i++) {
    if (i == 8 ? n[i] != '-' : (n[i] < '0' || n[i] > '9')) return 0;
  }
  return n[15] == 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static __thread time_t last_rotation;

/** The kubelet's rotation, as the file fills: shim.ts's rotate. */
static void rotate(void) {
  DIR *dh = opendir(logdir);
  if (dh) {
    char **old = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
      if (!is_rotated_name(e->d_name)) continue;
      if (n == cap) {
        char **more = realloc(old, (cap ? cap * 2 : 8) * sizeof *old);
        if (!more) break;
        old = more;
        cap = cap ? cap * 2 : 8;
      }
      if (!(old[n] = strdup(e->d_name))) break;
      n++;
    }
    closedir(dh);
    qsort(old, n, sizeof *old, cmp_names);
    long keep = maxfiles - 2;
    for (size_t i = 0; (long)(n - i) > keep && i < n; i++) {
      char f[4096];
      snprintf(f, sizeof f, "%s/%s", logdir, old[i]);
      unlink(f);
    }
    for (size_t i = 0; i < n; i++) free(old[i]);
    free(old);
  }
  time_t t = time(NULL);
  if (t <= last_rotation) t = last_rotation + 1;
  char name[4200];
  for (;;) {
    struct tm l;
    localtime_r(&t, &l);
    snprintf(name, sizeof name, "%s.%04d%02d%02d-%02d%02d%02d", logpath, l.tm_year + 1900, l.tm_mon + 1, l.tm_mday, l.tm_hour, l.tm_min, l.tm_sec);
    struct stat st;
    if (stat(name, &st) != 0) break;
    t++;
  }
  last_rotation = t;
  rename(logpath, name);
  close(lf);
  lf = open_log();
  size = 0;
}

static void wr(const char *s, size_t n) { size += (long long)write_all(lf, s, n); }

static void put(struct buf *out) {
  if (!out->len) return;
  if (size + (long long)out->len <= maxsize) {
    wr(out->p, out->len);
  } else {
    size_t p = 0;
    while (p < out->len) {
      const char *nl = memchr(out->p + p, '\n', out->len - p);
      size_t r = nl ? (size_t)(nl - out->p) + 1 - p : out->len - p;
      if (size && size + (long long)r > maxsize) rotate();
      wr(out->p + p, r);
      p += r;
    }
  }
  out->len = 0;
}

static __thread int fds[2] = {-1, -1};

static int open_streams(void) { return (fds[0] >= 0) + (fds[1] >= 0); }

static __thread struct buf out;

/** One round of copying: waits up to timeout ms (-1: until something comes), or until the
 * container's pidfd says it ended; how many were ready. */
static int pump(int timeout) {
  struct pollfd pf[3];
  int idx[3], k = 0;
  for (int s = 0; s < 2; s++) {
    if (fds[s] < 0) continue;
    pf[k].fd = fds[s];
    pf[k].events = POLLIN;
    pf[k].revents = 0;
    idx[k++] = s;
  }
  if (container_pidfd >= 0) {
    pf[k].fd = container_pidfd;
    pf[k].events = POLLIN;
    pf[k].revents = 0;
    idx[k++] = -1;
  }
  int n = poll(pf, (nfds_t)k, timeout);
  if (n <= 0) return 0;
  char chunk[65536];
  for (int i = 0; i < k; i++) {
    if (!pf[i].revents || idx[i] < 0) continue;
    int s = idx[i];
    ssize_t r = read(fds[s], chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r > 0) {
      take(s, chunk, (size_t)r, &out);
    } else {
      finish(s, &out);
      close(fds[s]);
      fds[s] = -1;
    }
  }
  put(&out);
  return n;
}

/** The directories of the cgroups the container joined (its "join" steps), at most max. */
static int leaf_cgroups(char **leaves, int max) {
  int n = 0;
  char *text = strdup(cg), *save = NULL;
  const char *suffix = "/cgroup.procs";
  size_t sl = strlen(suffix);
  for (char *line = strtok_r(text, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
    size_t len = strlen(line);
    if (strncmp(line, "join\t", 5) || len < 5 + sl || strcmp(line + len - sl, suffix)) continue;
    leaves[n++] = strndup(line + 5, len - 5 - sl);
  }
  free(text);
  return n;
}

/** Whether a cgroup file (memory.events, memory.oom_control) counts an OOM kill. */
static int counts_oom_kill(const char *f) {
  char *s = slurp(f);
  if (!s) return 0;
  int oom = 0;
  for (char *l = s; l; l = next_line(l))
    if (!strncmp(l, "oom_kill ", 9) && strtol(l + 9, NULL, 10) > 0) oom = 1;
  free(s);
  return oom;
}

/** Kills what is left of the container and removes its cgroups: shim.ts's reap. */
static void reap(pid_t pid) {
  char *leaves[64], *pods[64];
  int nl = leaf_cgroups(leaves, 64);
  for (int i = 0; i < nl; i++) {
    pods[i] = strdup(leaves[i]);
    char *slash = strrchr(pods[i], '/');
    if (slash) *slash = 0;
  }
  kill(-pid, SIGKILL);
  int oom = 0;
  char f[4200];
  for (int i = 0; i < nl; i++) {
    snprintf(f, sizeof f, "%s/memory.events", leaves[i]);
    oom |= counts_oom_kill(f);
    snprintf(f, sizeof f, "%s/memory.oom_control", leaves[i]);
    oom |= counts_oom_kill(f);
    snprintf(f, sizeof f, "%s/cgroup.kill", leaves[i]);
    if (cgwrite(f, "1", 0)) continue;
    // cgroup v1: no cgroup.kill; what its cgroup.procs lists, a few times over (forks in between).
    snprintf(f, sizeof f, "%s/cgroup.procs", leaves[i]);
    for (int t = 0; t < 5; t++) {
      char *s = slurp(f);
      if (!s) break;
      int any = 0;
      for (char *l = s; l; l = next_line(l)) {
        long p = strtol(l, NULL, 10);
        if (p > 0) {
          kill((pid_t)p, SIGKILL);
          any = 1;
        }
      }
      free(s);
      if (!any) break;
    }
  }
  wfile(dir, "reason", oom ? "OOMKilled\n" : "\n");
  for (int t = 0; t < 20; t++) {
    int left = 0;
    for (int i = 0; i < nl; i++) {
      if (!leaves[i]) continue;
      if (rmdir(leaves[i]) == 0 || errno == ENOENT) {
        free(leaves[i]);
        leaves[i] = NULL;
      } else left++;
    }
    if (!left) break;
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    nanosleep(&ten_ms, NULL);
  }
  int busy = 0;
  for (int i = 0; i < nl; i++) {
    busy |= leaves[i] != NULL; // still busy after 0.2 s: left to the runtime, without `reaped`
    free(leaves[i]);
  }
  for (int i = 0; i < nl; i++) {
    if (!busy) rmdir(pods[i]); // the pod's, once empty
    free(pods[i]);
  }
  if (busy) return;
  snprintf(f, sizeof f, "%s/cgroup", dir);
  unlink(f);
  wfile(dir, "reaped", "");
}

static void on_chld(int sig) { (void)sig; }

/** close_range's fallback (kernels before 5.11): every descriptor from `from` on closes at exec. */
static void mark_cloexec_from(int from) {
  // By getdents64 into the stack: it runs in the container's process (container_setup says why no malloc).
  int d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return;
  char entries[4096];
  long n;
  while ((n = syscall(SYS_getdents64, d, entries, sizeof entries)) > 0) {
    for (long off = 0; off < n;) {
      struct dirent64 *e = (struct dirent64 *)(entries + off);
      int fd = atoi(e->d_name);
      if (fd >= from && fd != d) fcntl(fd, F_SETFD, FD_CLOEXEC);
      off += e->d_reclen;
    }
  }
  close(d);
}

/** The stdin relay: containerd's stdin copier, from the attempt's FIFO into the container. */
static void relay_stdin(int in_w) {
  restore_child_signals();
  if (attempt_fd >= 0) {
    // A fork of the spawner, which holds the other containers' pipes: a write end of one kept
    // here would keep its shim from ever reading the end of that container's output.
    if (dup2(in_w, 0) < 0) _exit(0);
    in_w = 0;
    if (close_range(1, ~0U, 0) != 0)
      for (int fd = 1; fd < 65536; fd++) close(fd);
  }
  static char chunk[65536];
  for (;;) {
    int f = open(stdin_fifo, O_RDONLY | O_CLOEXEC);
    if (f < 0) _exit(0);
    for (;;) {
      ssize_t n = read(f, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (write_all(in_w, chunk, (size_t)n) < (size_t)n) _exit(0);
    }
    close(f);
    if (once) _exit(0);
  }
}

/**
 * Copies the operands out of argv, then overwrites argv's memory with "kjob-shim ATTEMPT_DIR",
 * the rest zeroed: /proc/PID/cmdline then names the shim as the perl shim's $0 does. The spawner
 * has already said the shim runs, and the runtime may read its command line at any moment: so
 * that it always reads one of the two forms it knows (runtime.ts isShimOf), what follows the
 * attempt directory is zeroed first ("kjob-shim", ATTEMPT_DIR, then NULs), and then one byte
 * turns that into the final form (the NUL after "kjob-shim" becomes a space).
 */
static char **take_operands(int argc, char **argv) {
  char **ops = calloc((size_t)argc, sizeof *ops);
  for (int i = 1; i < argc; i++) ops[i - 1] = strdup(argv[i]);
  char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
  size_t title = strlen(TITLE);
  if (!strcmp(argv[0], TITLE) && argv[1] == argv[0] + title + 1) {
    char *after_dir = argv[1] + strlen(argv[1]) + 1;
    memset(after_dir, 0, (size_t)(end - after_dir));
    __atomic_store_n(&argv[0][title], ' ', __ATOMIC_SEQ_CST);
  } else {
    // Started by another name (by hand): no reader to keep happy in between.
    size_t area = (size_t)(end - start);
    memset(start, 0, area);
    snprintf(start, area, "%s %s", TITLE, ops[0]);
  }
  prctl(PR_SET_NAME, start, 0, 0, 0);
  return ops;
}

/** execvp's search of PATH, on env's PATH rather than the process's environment (a shim thread's
 * is its spawner's, and environ is one for all threads), on the stack (container_setup says why):
 * each entry tried in turn (an empty one is the working directory), a script without #! run by
 * /bin/sh as execvpe does; returns, with errno, only when none could be run. */
static void exec_on_path(char **argv, char **env) {
  const char *file = argv[0];
  if (!*file || strchr(file, '/')) {
    execvpe(file, argv, env);
    return;
  }
  const char *path = "/bin:/usr/bin"; // glibc's, where PATH is not set
  for (char **e = env; *e; e++)
    if (!strncmp(*e, "PATH=", 5)) {
      path = *e + 5;
      break;
    }
  int denied = 0, last = ENOENT;
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    char full[4096];
    int dl = (int)(end - p);
    if (snprintf(full, sizeof full, "%.*s/%s", dl ? dl : 1, dl ? p : ".", file) < (int)sizeof full) {
      execvpe(full, argv, env); // a path with a slash: execve, and /bin/sh for a script without #!
      last = errno;
      if (errno == EACCES) denied = 1;
      else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE && errno != ENODEV && errno != ETIMEDOUT) return;
    }
    if (!*end) break;
    p = end;
  }
  errno = denied ? EACCES : last; // as glibc's: the last entry's error, unless one was denied
}

/** What the container's process is given by the shim (container_main). */
struct container_start {
  int in, out, err;
  /** container_setup's plan, the shim's copy */
  char *plan;
  /** the shim's signal mask before it blocked every signal for the clone */
  sigset_t mask;
};

/**
 * container_main's stack, mapped for it with a page below it that faults (the main stack's
 * guard): 128 KiB for what it calls (its buffers are on it: container_setup), and room for its command's argv twice over, as glibc's
 * posix_spawn sizes its own (execvp runs a script without #! as `/bin/sh script args`, with the
 * arguments copied on the stack). Only the pages it touches cost anything. NULL when it cannot be
 * mapped; *size is what munmap takes.
 */
static char *container_stack(char **argv, size_t *size) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 0;
  while (argv[n]) n++;
  size_t want = 128 * 1024 + 2 * (n + 3) * sizeof(char *);
  *size = page + (want + page - 1) / page * page;
  char *m = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (m == MAP_FAILED) return NULL;
  if (mprotect(m, page, PROT_NONE) != 0) {
    munmap(m, *size);
    return NULL;
  }
  return m;
}

/**
 * The container's process until it execs its command (bubblewrap): a clone that shares the shim's
 * memory, the shim suspended until the exec or the exit (CLONE_VM | CLONE_VFORK, as glibc's
 * posix_spawn and Go's os/exec start a child). A fork copied the shim's page tables and then
 * took a copy-on-write fault for each page either side wrote before the exec: 1.8 ms of the
 * machine's CPU a container on the development machine (8.7 against 6.9 ms a shim of `true`),
 * where a page fault costs about 12 us.
 * It allocates nothing (container_setup says why). Its descriptors, umask, working directory
 * and namespaces are its own (no CLONE_FILES, CLONE_FS or CLONE_NEWNS sharing).
 */
static int container_main(void *arg) {
  struct container_start *c = arg;
  // The defaults first, and only then the signals the shim blocked for the clone (exec keeps the mask).
  restore_child_signals();
  sigprocmask(SIG_SETMASK, &c->mask, NULL);
  setsid();
  int nul = c->in >= 0 ? c->in : open("/dev/null", O_RDONLY | O_CLOEXEC);
  dup2(nul, 0);
  dup2(c->out, 1);
  dup2(c->err, 2);
  // Nothing else this shim was given reaches the container (perl's shim leaves a descriptor
  // its starter let through; kjob's spawners let none through).
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) mark_cloexec_from(3);
  umask(022);
  if (container_cwd && chdir(container_cwd) != 0) {
    fdprintf(2, "chdir %s: %s\n", container_cwd, strerror(errno));
    _exit(127);
  }
  container_setup(c->plan);
  if (container_env) exec_on_path(cmd, container_env);
  else execvp(cmd[0], cmd);
  int e = errno;
  fdprintf(2, "exec %s: %s\n", cmd[0], strerror(e));
  _exit(e == ENOENT ? 127 : 126);
}

/** A shim thread's attempt directory was removed (its pod was): what it would write goes nowhere. */
static int attempt_removed(void) {
  struct stat st;
  return attempt_fd >= 0 && fstat(attempt_fd, &st) == 0 && st.st_nlink == 0;
}

/** The shim, on its operands (ATTEMPT_DIR LOG NOTE ... CMD...; at least OPERANDS of them). */
static int shim_main(char **ops) {
  if (attempt_fd < 0) {
    // Descriptors 0-2 are someone's: the pipes and files below must not take them. (A shim
    // thread's are its spawner's, and so taken; the spawner set its umask and zone once.)
    int fd;
    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2) {
    }
    if (fd > 2) close(fd);
    umask(077);
    tzset();
  }
  dir = ops[0];
  logpath = ops[1];
  note = ops[2];
  maxline = atol(ops[3]);
  maxsize = atol(ops[4]);
  maxfiles = atol(ops[5]);
  stdin_fifo = ops[8];
  once = !strcmp(ops[9], "1");
  tty = !strcmp(ops[10], "1");
  cg = ops[11];
  netns = ops[12];
  detach = ops[14];
  cmd = ops + 15;
  if (maxline < 1) maxline = 16 * 1024;
  char *slash = strrchr(logpath, '/');
  logdir = slash ? strndup(logpath, (size_t)(slash - logpath)) : strdup(".");
  logbase = strdup(slash ? slash + 1 : logpath);
  lf = open_log();
  struct stat st;
  size = fstat(lf, &st) == 0 ? (long long)st.st_size : 0;
  int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1};
  size_t stack_size;
  char *stack = NULL;
  // The container's process takes its cgroup plan apart: the shim's copy (container_setup).
  struct container_start start = {.plan = strdup(cg)};
  if (!start.plan || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || (*stdin_fifo && pipe2(in, O_CLOEXEC)) || !(stack = container_stack(cmd, &stack_size))) {
    free(start.plan);
    close_each((int[]){out[0], out[1], err[0], err[1], in[0], in[1]}, 6);
    return 255;
  }
  start.in = in[0];
  start.out = out[1];
  start.err = err[1];
  int flags = CLONE_VM | CLONE_VFORK;
  if (attempt_fd < 0) {
    // The handler is in place before the container exists: whatever the shim's starter left
    // SIGCHLD at (ignored, its end would reap it unseen), its end interrupts poll and is waited for.
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld; // no SA_RESTART: a container's end interrupts poll
    sigaction(SIGCHLD, &sa, NULL);
    flags |= SIGCHLD;
  } else {
    // A thread's container's SIGCHLD goes to whichever thread of the spawner the kernel picks:
    // the container's pidfd wakes this thread's poll instead.
    flags |= SIGCHLD | CLONE_PIDFD;
  }
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &start.mask);
  // A kernel before 5.2 ignores CLONE_PIDFD (once CLONE_PID's bit) and leaves container_pidfd at -1:
  // the thread's poll then wakes every 20 ms to look.
  pid_t pid = clone(container_main, stack + stack_size, flags, &start, &container_pidfd);
  pthread_sigmask(SIG_SETMASK, &start.mask, NULL);
  munmap(stack, stack_size); // the child has exec'd or ended: its stack and plan are the shim's again to free
  free(start.plan);
  if (pid < 0) {
    close_each((int[]){out[0], out[1], err[0], err[1], in[0], in[1]}, 6);
    return 255;
  }
  close(out[1]);
  close(err[1]);
  pid_t relay = 0;
  if (in[0] >= 0) {
    close(in[0]);
    relay = fork();
    if (relay == 0) {
      close(out[0]);
      close(err[0]);
      close(lf);
      relay_stdin(in[1]);
    }
    close(in[1]);
  }
  char pidtext[32];
  snprintf(pidtext, sizeof pidtext, "%d\n", (int)pid);
  wfile(dir, "pid", pidtext);
  fds[0] = out[0];
  fds[1] = err[0];
  int have_status = 0, status = 0, budget = 0;
  // Copies the streams until the container ended and they are drained. A shim thread also waits
  // here once both streams are closed (the container redirected them), as it must look for its
  // pod's removal at every wake: it is not killed with it (runtime.ts killAttempt), and the
  // removal may have come before the runtime could read the container's pid.
  while (open_streams() || (attempt_fd >= 0 && !have_status)) {
    if (!have_status && attempt_removed()) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
    }
    int n = pump(have_status ? 0 : attempt_fd >= 0 && container_pidfd < 0 ? 20 : 1000);
    if (!have_status && waitpid(pid, &status, WNOHANG | __WALL) == pid) {
      have_status = 1;
      budget = 16;
      if (container_pidfd >= 0) close(container_pidfd);
      container_pidfd = -1;
    }
    if (have_status && (n == 0 || --budget <= 0)) break;
  }
  int lost = 0;
  if (!have_status) {
    pid_t w;
    while ((w = waitpid(pid, &status, __WALL)) < 0 && errno == EINTR) {
    }
    lost = w != pid; // its status is gone (perl's shim records 255 then too)
  }
  int code = lost ? 255 : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  if (relay > 0) {
    kill(relay, SIGKILL);
    while (waitpid(relay, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  reap(pid);
  char ts[96], exit_text[128];
  stamp(ts);
  snprintf(exit_text, sizeof exit_text, "%d %.23sZ\n", code, ts);
  wfile(dir, "exit", exit_text);
  int t = attempt_removed() ? -1 : open(note, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (t >= 0) close(t);
  // What the container left running may still write; a shim thread stops copying it once its pod is gone.
  while (open_streams() && !attempt_removed()) pump(attempt_fd >= 0 ? 1000 : -1);
  return 0;
}

/* ---- the spawner ---- */

/** One request: "LEN\n" and LEN bytes of NUL-separated fields: cwd, the number of env entries,
 * the entries, the program ('' for the shim itself) and its arguments. Through stdio's buffer: a
 * request is one read(2), not one a byte of its length. */
static char *read_request(FILE *in, size_t *len) {
  char line[32];
  if (!fgets(line, sizeof line, in) || !strchr(line, '\n')) return NULL;
  *len = (size_t)strtoul(line, NULL, 10);
  char *p = malloc(*len + 1);
  if (!p || fread(p, 1, *len, in) != *len) return NULL;
  p[*len] = 0;
  return p;
}

/** A request's fields, split in place: its text, the working directory, the environment and the
 * program ('' for the shim itself) with its arguments, each NULL-ended. */
struct request {
  char *text, *cwd;
  char **fields, **env, **args;
};

static int split_request(char *text, size_t len, struct request *r) {
  size_t nf = 1;
  for (size_t i = 0; i < len; i++) nf += text[i] == 0;
  char **f = calloc(nf + 2, sizeof *f);
  if (!f) return -1;
  size_t k = 0;
  f[k++] = text;
  for (size_t i = 0; i < len; i++)
    if (text[i] == 0) f[k++] = text + i + 1;
  size_t nenv = k > 1 ? strtoul(f[1], NULL, 10) : 0;
  char **env = nenv > k || k < 3 + nenv ? NULL : calloc(nenv + 1, sizeof *env);
  if (!env) {
    free(f);
    return -1;
  }
  for (size_t i = 0; i < nenv; i++) env[i] = f[2 + i];
  *r = (struct request){.text = text, .cwd = f[0], .fields = f, .env = env, .args = f + 2 + nenv};
  return 0;
}

static void free_request(struct request *r) {
  free(r->env);
  free(r->fields);
  free(r->text);
}

/** What the spawner hands a shim thread, and what the thread tells it back. */
struct shim_start {
  struct request r;
  int attempt_fd;
  char ref[64];
  sem_t told;
};

/** The shim threads that run: the spawner, its engine gone, ends with the last (spawner_main). */
static int shims_running;
static pthread_mutex_t shims_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shims_ended = PTHREAD_COND_INITIALIZER;

/** A shim thread begins (+1) or ends (-1). */
static void count_shim(int change) {
  pthread_mutex_lock(&shims_lock);
  shims_running += change;
  if (shims_running == 0) pthread_cond_signal(&shims_ended);
  pthread_mutex_unlock(&shims_lock);
}

/** A shim's thread state freed, and its descriptors closed: a thread's end is not its process's. */
static void shim_thread_end(void) {
  for (int s = 0; s < 2; s++) {
    if (fds[s] >= 0) close(fds[s]);
    fds[s] = -1;
    free(carry[s].p);
    carry[s] = (struct buf){0};
  }
  free(out.p);
  out = (struct buf){0};
  if (lf >= 0) close(lf);
  lf = -1;
  if (container_pidfd >= 0) close(container_pidfd);
  container_pidfd = -1;
  free(logdir);
  free(logbase);
  logdir = logbase = NULL;
}

/**
 * A container's shim as a thread of the spawner. It records which it is in the attempt directory
 * (`shimpid`: "PID:TID:FD", the spawner's pid, the thread's id and the descriptor by which it holds
 * the attempt directory open) before the spawner answers, and holds the directory open until its
 * last write: runtime.ts liveShim reads /proc/PID/task/TID/fd/FD.
 */
static void *shim_thread(void *arg) {
  struct shim_start *s = arg;
  struct request r = s->r;
  attempt_fd = s->attempt_fd;
  container_env = r.env;
  container_cwd = r.cwd;
  snprintf(s->ref, sizeof s->ref, "%d:%d:%d", (int)getpid(), (int)syscall(SYS_gettid), attempt_fd);
  char text[80];
  snprintf(text, sizeof text, "%s\n", s->ref);
  wfile(r.args[1], "shimpid", text);
  sem_post(&s->told); // s is the spawner's, and gone from here on
  shim_main(r.args + 1);
  shim_thread_end();
  free_request(&r);
  close(attempt_fd);
  attempt_fd = -1;
  count_shim(-1);
  return NULL;
}

/** Starts a shim thread on request r (which it then owns) and replies with its "PID:TID:FD". */
static void start_shim_thread(struct request *r, const pthread_attr_t *attr) {
  struct shim_start s = {.r = *r, .attempt_fd = open(r->args[1], O_PATH | O_DIRECTORY | O_CLOEXEC)};
  int e = s.attempt_fd < 0 || sem_init(&s.told, 0, 0) != 0 ? errno : 0;
  if (!e) {
    pthread_t t;
    count_shim(+1);
    if ((e = pthread_create(&t, attr, shim_thread, &s)) != 0) {
      count_shim(-1);
      sem_destroy(&s.told);
    }
  }
  if (e) {
    if (s.attempt_fd >= 0) close(s.attempt_fd);
    fdprintf(1, "E%s\n", strerror(e));
    free_request(r);
    return;
  }
  while (sem_wait(&s.told) != 0 && errno == EINTR) {
  }
  sem_destroy(&s.told);
  fdprintf(1, "%s\n", s.ref);
}

/**
 * Starts request r's program (or a shim too short to be one, exec'd to say so) detached, and
 * replies with its pid or why not. By a child that ends at once: the program is then nobody's
 * child here, as a detached one should be (the spawner reaps only its shims' containers).
 */
static void start_program(struct request *r, const char *self, mode_t umask_given) {
  int ep[2] = {-1, -1}, pp[2] = {-1, -1};
  pid_t mid = pipe2(ep, O_CLOEXEC) || pipe2(pp, O_CLOEXEC) ? -1 : fork();
  if (mid < 0) {
    fdprintf(1, "E%s\n", strerror(errno));
    close_each((int[]){ep[0], ep[1], pp[0], pp[1]}, 4);
    free_request(r);
    return;
  }
  if (mid == 0) {
    close(ep[0]);
    close(pp[0]);
    pid_t pid = fork();
    if (pid != 0) {
      int told = pid > 0 ? pid : -errno;
      write_all(pp[1], (const char *)&told, sizeof told);
      _exit(0);
    }
    close(pp[1]);
    char **args = r->args; // the program, then its arguments, NULL-ended
    if (!args[0]) _exit(127);
    restore_child_signals();
    umask(umask_given);
    setsid();
    if (chdir(r->cwd) != 0) _exit(127);
    int nul = open("/dev/null", O_RDWR);
    dup2(nul, 0);
    dup2(nul, 1);
    dup2(nul, 2);
    if (nul > 2) close(nul);
    environ = r->env;
    if (!*args[0]) {
      args[0] = TITLE;
      execv(self, args);
    } else {
      execvp(args[0], args);
    }
    const char *m = strerror(errno);
    write_all(ep[1], m, strlen(m));
    _exit(127);
  }
  free_request(r);
  close(ep[1]);
  close(pp[1]);
  while (waitpid(mid, NULL, 0) < 0 && errno == EINTR) {
  }
  int pid = 0;
  ssize_t n;
  while ((n = read(pp[0], &pid, sizeof pid)) < 0 && errno == EINTR) {
  }
  close(pp[0]);
  char err[512];
  if (n != sizeof pid || pid <= 0) {
    snprintf(err, sizeof err, "%s", n == sizeof pid ? strerror(-pid) : "fork failed");
    n = (ssize_t)strlen(err);
  } else {
    while ((n = read(ep[0], err, sizeof err - 1)) < 0 && errno == EINTR) {
    }
  }
  close(ep[0]);
  if (n > 0) {
    err[n] = 0;
    fdprintf(1, "E%s\n", err);
  } else {
    fdprintf(1, "%d\n", pid);
  }
}

/**
 * The spawner: self is this program's path (for a request for a shim that is not one).
 *
 * A container's shim is a thread of it: a process per shim (a fork of this one) cost the machine
 * about 1.5 ms of CPU a container on the development machine (the fork's page tables, the pages
 * either side then copies, the exit's unmapping) against a thread's, 5.2-5.7 against 3.8 ms for
 * a shim of `true` in a loop of 16 at a time. So the spawner is also the monitor of its
 * containers: it is a session of its own (its engine's group may be killed), and once its engine
 * is gone it takes no more requests but lives until its last shim ends. A shim that does not fit
 * a thread (too few operands to be one: a usage error to report) is exec'd, as other programs are.
 */
static int spawner_main(const char *self) {
  signal(SIGPIPE, SIG_IGN);
  // Not ignored: a child of a process that ignores SIGCHLD is reaped unseen as it ends, and each
  // shim thread waits for its container's status. The other programs it starts are not its children.
  signal(SIGCHLD, SIG_DFL);
  setsid();
  // It may outlive its engine: it keeps no directory of the engine's in use (its shims' paths are absolute).
  if (chdir("/") != 0) return 1;
  mode_t umask_given = umask(077); // the shims' files are private; the programs it starts get the given one
  tzset();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  pid_t engine = getppid();
  size_t len;
  char *text;
  while ((text = read_request(stdin, &len))) {
    // A request still in the pipe when its engine was killed is dropped: the next engine, finding
    // no shim for the attempt, starts it itself, and two shims must never run one attempt.
    if (getppid() != engine) break;
    struct request r;
    if (split_request(text, len, &r)) {
      fdprintf(1, "Ebad request\n");
      free(text);
      continue;
    }
    size_t nops = 0;
    while (r.args[0] && r.args[1 + nops]) nops++;
    if (r.args[0] && !*r.args[0] && nops >= OPERANDS) start_shim_thread(&r, &attr);
    else start_program(&r, self, umask_given);
  }
  // Its engine's pipes are let go; /dev/null keeps 0 and 1 taken (container_main's dup2s assume
  // that a pipe is never one of them).
  int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (nul > 1) {
    dup2(nul, 0);
    dup2(nul, 1);
    close(nul);
  }
  // The process ends with its last shim (its main thread waits, rather than ending alone: ps
  // would show the spawner as <defunct> while its shims run).
  pthread_mutex_lock(&shims_lock);
  while (shims_running > 0) pthread_cond_wait(&shims_ended, &shims_lock);
  pthread_mutex_unlock(&shims_lock);
  return 0;
}

/** pod_net.c: network namespaces made and removed by netlink (`kjob-shim --pod-net`, `--node-net`, `--netns-del`); -1 for another argv. */
int net_mode_main(int argc, char **argv);
/** ip_runner.c: network.ts's runner of ip (`kjob-shim --ip-runner IP`). */
int ip_runner_main(int argc, char **argv, const char *self);

/** This program's path, by which it was started (a rebuild replaces the file there); /proc/self/exe when that is not absolute. */
static int self_path(const char *argv0, char *self, size_t size) {
  if (argv0[0] == '/') {
    snprintf(self, size, "%s", argv0);
    return 0;
  }
  ssize_t n = readlink("/proc/self/exe", self, size - 1);
  if (n <= 0) return -1;
  self[n] = 0;
  return 0;
}

int main(int argc, char **argv) {
  char self[4096];
  if (argc >= 2 && !strcmp(argv[1], "--ip-runner")) return self_path(argv[0], self, sizeof self) ? 1 : ip_runner_main(argc - 2, argv + 2, self);
  int net = net_mode_main(argc - 1, argv + 1);
  if (net >= 0) return net;
  if (argc == 2 && !strcmp(argv[1], "--spawner")) return self_path(argv[0], self, sizeof self) ? 1 : spawner_main(self);
  if (argc < 1 + OPERANDS) {
    fprintf(stderr, "usage: %s ATTEMPT_DIR LOG NOTE MAXLINE MAXSIZE MAXFILES SYS_SETSID SYS_CLOCK STDIN ONCE TTY CGROUPS NETNS SYS_SETNS DETACH CMD...\n       %s --spawner\n", TITLE, TITLE);
    return 2;
  }
  return shim_main(take_operands(argc, argv));
}
