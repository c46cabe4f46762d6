// kjob-client: bin/kjob's command-server client (bin/command-client.js), natively, so that a
// command the state directory's server runs costs a fraction of a node start rather than one.
//
// Why: through the server (src/cli/command_server.ts) a command's own work is 2-3 ms of the
// server's CPU; what was left was the client's node: its start (`node -e 0`, about 1,850 page
// faults), node:net, and an event-loop turn to connect. This program is a few pages.
//
// bin/kjob is a shell script and a node script at once: run as a program, its shell part execs
// this binary when the build made it (dist/kjob-client, scripts/build.mjs), else node. This
// program decides as bin/kjob's forwardable() does (the same rules, kept beside each other and
// compared by test/e2e/command-server.test.ts), but for a terminal's command, which it forwards
// too (forwardable() says why), and speaks src/cli/command_frames.ts's frames.
// A command it does not forward, or that no server takes, it execs node with (bin/kjob, the
// same argv and environment) and KJOB_NATIVE_CLIENT set to what bin/kjob should do then: `local`
// (run it), `start` (run it, then start a server for the next command), which bin/kjob reads and
// removes before anything else. KJOB_NATIVE_CLIENT=decide prints the verdict and exits (tests).
#define _GNU_SOURCE
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/** bin/command-client.js's: how long a server has to accept or refuse a command. */
#define ANSWER_TIMEOUT_MS 30000
/** bin/command-client.js's MAX_SOCKET_PATH: sun_path's 108 bytes less the NUL and ".<pid>". */
#define MAX_SOCKET_PATH (107 - 8)
/** bin/command-client.js's COMMAND_SERVERS: the servers a state directory's pool may have. */
#define COMMAND_SERVERS 4
/** src/cli/command_frames.ts's MAX_FRAME, for the frames kept whole (A, R, I, X). */
#define MAX_FRAME (16 << 20)

static int nargs;
static char **args; // the command line, past the program's name
static char dist[PATH_MAX]; // this binary's directory: dist/

// ---- growable bytes -------------------------------------------------------------------------

struct buf {
  char *p;
  size_t n, cap;
};

static void put(struct buf *b, const void *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) abort();
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}
static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }
static void putf(struct buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  char *tmp = malloc((size_t)n + 1);
  if (!tmp) abort();
  va_start(ap, fmt);
  vsnprintf(tmp, (size_t)n + 1, fmt, ap);
  va_end(ap);
  put(b, tmp, (size_t)n);
  free(tmp);
}

/** s as a JSON string: control characters, quotes and backslashes escaped, other bytes as they are. */
static void put_json(struct buf *b, const char *s, size_t n) {
  puts_(b, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(b, e, 2);
    } else if (c < 0x20) {
      putf(b, "\\u%04x", c);
    } else {
      put(b, &s[i], 1);
    }
  }
  puts_(b, "\"");
}

/** The whole of a small file (a /proc file reads short: read until its end); "" when unreadable. */
static void put_file(struct buf *b, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char tmp[4096];
  for (ssize_t r; (r = read(fd, tmp, sizeof tmp)) != 0;) {
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    put(b, tmp, (size_t)r);
  }
  close(fd);
}

// ---- output: bin/command-client.js's writeOut -----------------------------------------------

static int failed_fd[3];

/**
 * buf to fd whole and in order: a reader gone ends the client quietly, as it ends a command; a
 * descriptor that would block is waited for, holding everything after it (the server, whose socket
 * is not read meanwhile, waits in turn); one that cannot take it (a full disk, EIO) loses what the
 * command writes there, and the command goes on.
 */
static void write_out(int fd, const char *p, size_t n) {
  while (n > 0 && !failed_fd[fd]) {
    ssize_t w = write(fd, p, n);
    if (w >= 0) {
      p += w;
      n -= (size_t)w;
    } else if (errno == EPIPE) {
      _exit(0);
    } else if (errno == EAGAIN) {
      struct pollfd q = {.fd = fd, .events = POLLOUT};
      poll(&q, 1, 1000);
    } else if (errno != EINTR) {
      failed_fd[fd] = 1;
    }
  }
}

static void say(const char *s) { write_out(2, s, strlen(s)); }

/** An error as node prints one (`Error: EISDIR: illegal operation on a directory, read`): libuv's names and texts. */
static void put_node_error(struct buf *b, int e, const char *syscall) {
  const char *name, *text;
  switch (e) {
  case EISDIR: name = "EISDIR", text = "illegal operation on a directory"; break;
  case EIO: name = "EIO", text = "i/o error"; break;
  case EBADF: name = "EBADF", text = "bad file descriptor"; break;
  case EINVAL: name = "EINVAL", text = "invalid argument"; break;
  case ENXIO: name = "ENXIO", text = "no such device or address"; break;
  case ECONNRESET: name = "ECONNRESET", text = "connection reset by peer"; break;
  default: name = "E?", text = strerror(e);
  }
  puts_(b, "Error: ");
  puts_(b, name);
  puts_(b, ": ");
  puts_(b, text);
  puts_(b, ", ");
  puts_(b, syscall);
}

static _Noreturn void bug(const char *what) {
  struct buf b = {0};
  puts_(&b, "kjob: this is a bug, please report it: ");
  puts_(&b, what);
  puts_(&b, "\n");
  write_out(2, b.p, b.n);
  _exit(2);
}

// ---- the decision: bin/kjob's verbOf and forwardable ----------------------------------------

/** The global flags that take a value: src/cli/global_flags.ts's GLOBAL_FLAGS_WITH_VALUE. */
static const char *GLOBAL_FLAGS_WITH_VALUE[] = {"--home", "-n", "--namespace", "--kubeconfig", "--context", "--cluster", "--user", "-s", "--server", "--token",
                                                "--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name", "--as", "--as-group",
                                                "--as-uid", "--username", "--password", "--request-timeout", "-v", "--v", "--cache-dir",
                                                "--log-flush-frequency", "--vmodule", NULL};

static int takes_value(const char *a) {
  for (const char **f = GLOBAL_FLAGS_WITH_VALUE; *f; f++)
    if (!strcmp(*f, a)) return 1;
  return 0;
}

/** argv's verb, past the global flags and their values. */
static const char *verb_of(void) {
  for (int i = 0; i < nargs; i++) {
    const char *a = args[i];
    if (!strcmp(a, "--")) return "";
    if (takes_value(a)) i++;
    else if (a[0] != '-') return a;
  }
  return "";
}

/** bin/kjob's UNTIL_STOPPED: /^(-[a-zA-Z]*L|--long)/ for a verb's short letter L and long flag. */
static int flag_until_stopped(const char *a, char letter, const char *lng) {
  if (!strncmp(a, lng, strlen(lng))) return 1;
  if (a[0] != '-') return 0;
  for (int j = 1; (a[j] >= 'a' && a[j] <= 'z') || (a[j] >= 'A' && a[j] <= 'Z'); j++)
    if (a[j] == letter) return 1;
  return 0;
}

static const char *SERVED_VERBS[] = {"get", "describe", "apply", "create", "delete", "label", "annotate", "patch", "scale", "logs", "events",
                                      "wait", "replace", "rollout", "version", "api-resources", "api-versions", "explain", NULL};

/** A character device other than the memory devices (/dev/null, /dev/zero: major 1). */
static int maybe_terminal(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return 1;
  return S_ISCHR(st.st_mode) && major(st.st_rdev) != 1;
}

static int clients_own(const char *s) { return strstr(s, "/dev/") || strstr(s, "/proc/"); }

static int forwardable(const char *verb) {
  const char *v;
  if (((v = getenv("KJOB_COMMAND_SERVER")) && !strcmp(v, "0")) || ((v = getenv("KJOB_NO_BUNDLE")) && !strcmp(v, "1"))) return 0;
  int served = 0;
  for (const char **s = SERVED_VERBS; *s; s++) served |= !strcmp(*s, verb);
  if (!served) return 0;
  char letter = 0;
  const char *lng = NULL;
  if (!strcmp(verb, "get") || !strcmp(verb, "events")) letter = 'w', lng = "--watch";
  else if (!strcmp(verb, "logs")) letter = 'f', lng = "--follow";
  else if (!strcmp(verb, "delete")) letter = 'i', lng = "--interactive";
  for (int i = 0; lng && i < nargs && strcmp(args[i], "--"); i++)
    if (flag_until_stopped(args[i], letter, lng)) return 0;
  // `rollout status` waits without end unless given a --timeout: its Ctrl-C would end the server.
  for (int i = 0; !strcmp(verb, "rollout") && i < nargs && strcmp(args[i], "--"); i++)
    if (!strcmp(args[i], "status")) return 0;
  for (int i = 0; i < nargs; i++)
    if (clients_own(args[i])) return 0;
  for (char **e = environ; *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    size_t k = (size_t)(eq - *e);
    if (((k == 10 && !strncmp(*e, "KUBECONFIG", 10)) || !strncmp(*e, "KJOB_", 5)) && clients_own(eq + 1)) return 0;
  }
  if (getenv("NODE_TLS_REJECT_UNAUTHORIZED") || getenv("NODE_PENDING_DEPRECATION")) return 0;
  // Unlike node's client, a terminal's command too (the request says which streams are
  // terminals, and the server's streams say so to the command: the Warning: colour), but for
  // those that may show progress, which needs the terminal itself: logs (a spinner while it
  // waits for a container), wait (a Job's counts) and a --wait (apply's).
  int progress = !strcmp(verb, "logs") || !strcmp(verb, "wait");
  for (int i = 0; i < nargs && strcmp(args[i], "--"); i++) progress |= !strncmp(args[i], "--wait", 6);
  return !progress || (!maybe_terminal(0) && !maybe_terminal(1) && !maybe_terminal(2));
}

// ---- paths: node's path.resolve and bin/command-client.js's homeOf ---------------------------

/** node's path.resolve(cwd, p): absolute, without ".", ".." or empty segments; 0 when too long for out. */
static int resolve(char *out, size_t size, const char *cwd, const char *p) {
  char joined[PATH_MAX * 2];
  if ((size_t)snprintf(joined, sizeof joined, "%s/%s", p[0] == '/' ? "" : cwd, p) >= sizeof joined) return 0;
  size_t n = 0;
  out[0] = 0;
  for (char *seg = joined, *next; seg; seg = next) {
    next = strchr(seg, '/');
    size_t len = next ? (size_t)(next - seg) : strlen(seg);
    if (next) next++;
    if (len == 0 || (len == 1 && seg[0] == '.')) continue;
    if (len == 2 && seg[0] == '.' && seg[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--;
      out[n] = 0;
      continue;
    }
    if (n + 1 + len + 1 > size) return 0;
    out[n++] = '/';
    memcpy(out + n, seg, len);
    n += len;
    out[n] = 0;
  }
  if (n == 0) snprintf(out, size, "/");
  return 1;
}

/**
 * The state directory argv names (--home), else $KJOB_HOME, else ~/.kjob; 0 where node decides
 * instead: without $HOME, where node's os.homedir() asks the password database (NSS, which a
 * static binary cannot load), or a path longer than this program takes.
 */
static int home_of(char *out, size_t size, const char *cwd) {
  for (int i = 0; i < nargs && strcmp(args[i], "--"); i++) {
    if (!strcmp(args[i], "--home") && i + 1 < nargs) return resolve(out, size, cwd, args[i + 1]);
    if (!strncmp(args[i], "--home=", 7)) return resolve(out, size, cwd, args[i] + 7);
  }
  const char *h = getenv("KJOB_HOME");
  if (h && *h) return resolve(out, size, cwd, h);
  const char *home = getenv("HOME"); // os.homedir()'s first answer, even when empty
  if (!home) return 0;
  char joined[PATH_MAX];
  if ((size_t)snprintf(joined, sizeof joined, "%s%s.kjob", home, *home ? "/" : "") >= sizeof joined) return 0;
  return resolve(out, size, cwd, joined);
}

// ---- the request ----------------------------------------------------------------------------

/**
 * bin/command-client.js's processTraits, byte for byte: priority, gid, groups (node's getgroups
 * adds the effective gid when the list lacks it), limits, cgroup, namespaces, CPUs.
 */
static void put_traits(struct buf *b) {
  errno = 0;
  int prio = getpriority(PRIO_PROCESS, 0);
  putf(b, "%d\n%u\n", errno ? 0 : prio, (unsigned)getgid());
  int ng = getgroups(0, NULL);
  if (ng < 0) ng = 0;
  gid_t *groups = malloc(((size_t)ng + 1) * sizeof *groups);
  if (!groups) abort();
  ng = getgroups(ng, groups);
  if (ng < 0) ng = 0;
  gid_t egid = getegid();
  int has = 0;
  for (int i = 0; i < ng; i++) has |= groups[i] == egid;
  if (!has) groups[ng++] = egid;
  for (int i = 0; i < ng; i++) putf(b, i ? ",%u" : "%u", (unsigned)groups[i]);
  free(groups);
  puts_(b, "\n");
  put_file(b, "/proc/self/limits");
  puts_(b, "\n");
  put_file(b, "/proc/self/cgroup");
  puts_(b, "\n");
  static const char *ns[] = {"mnt", "net", "pid", "user", "ipc", "uts"};
  for (int i = 0; i < 6; i++) {
    char path[64], link[256];
    snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
    ssize_t n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    if (i) puts_(b, " ");
    puts_(b, link);
  }
  puts_(b, "\n");
  struct buf status = {0};
  put_file(&status, "/proc/self/status");
  const char *c = status.p ? strstr(status.p, "\nCpus_allowed_list:") : NULL;
  if (c) {
    c += strlen("\nCpus_allowed_list:");
    while (*c == ' ' || *c == '\t') c++;
    put(b, c, strcspn(c, "\n"));
  }
  free(status.p);
}

/** CommandRequest (src/cli/command_server.ts) as JSON. */
static void put_request(struct buf *b, const char *sha, const char *cwd) {
  puts_(b, "{\"sha\":");
  put_json(b, sha, strlen(sha));
  puts_(b, ",\"argv\":[");
  for (int i = 0; i < nargs; i++) {
    if (i) puts_(b, ",");
    put_json(b, args[i], strlen(args[i]));
  }
  puts_(b, "],\"env\":{");
  int first = 1;
  for (char **e = environ; *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    if (!first) puts_(b, ",");
    first = 0;
    put_json(b, *e, (size_t)(eq - *e));
    puts_(b, ":");
    put_json(b, eq + 1, strlen(eq + 1));
  }
  puts_(b, "},\"cwd\":");
  put_json(b, cwd, strlen(cwd));
  mode_t mask = umask(0);
  umask(mask);
  putf(b, ",\"umask\":%u,\"tty\":[%s,%s,%s],\"traits\":", (unsigned)mask, isatty(0) ? "true" : "false", isatty(1) ? "true" : "false", isatty(2) ? "true" : "false");
  struct buf traits = {0};
  put_traits(&traits);
  put_json(b, traits.p ? traits.p : "", traits.n);
  free(traits.p);
  puts_(b, "}");
}

static void put_frame(struct buf *b, char type, const char *p, size_t n) {
  unsigned char head[5] = {(unsigned char)type, (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n};
  put(b, head, 5);
  if (n) put(b, p, n);
}

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/** Waits until sock has room (POLLOUT) or bytes (POLLIN); 0 when the deadline (-1: none) came first. */
static int await_sock(int sock, short events, int64_t deadline) {
  for (;;) {
    int wait = -1;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      wait = left > 0 ? (int)left : 0; // past it: one look at what is there already
    }
    struct pollfd q = {.fd = sock, .events = events};
    int r = poll(&q, 1, wait);
    if (r > 0) return 1;
    if (r == 0) return 0;
    if (errno != EINTR) return 1; // the read or write that follows says what is wrong
  }
}

/** All of p to the (non-blocking) socket, waiting for room until deadline (-1: none): 1 sent, 0 the server gone, -1 the deadline came. */
static int send_all(int sock, const char *p, size_t n, int64_t deadline) {
  while (n > 0) {
    ssize_t w = send(sock, p, n, MSG_NOSIGNAL);
    if (w >= 0) {
      p += w;
      n -= (size_t)w;
    } else if (errno == EAGAIN) {
      if (!await_sock(sock, POLLOUT, deadline)) return -1;
    } else if (errno != EINTR) {
      return 0;
    }
  }
  return 1;
}

/** All of stdin as frames I, then an empty I (src/cli/io.ts's readStdin, over the socket). */
static void send_stdin(int sock) {
  static char data[64 * 1024];
  struct buf f = {0};
  for (;;) {
    ssize_t r = read(0, data, sizeof data);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd q = {.fd = 0, .events = POLLIN};
        poll(&q, 1, -1);
        continue;
      }
      struct buf what = {0};
      put_node_error(&what, errno, "read");
      bug(what.p); // as the command would have failed reading it in its own process
    }
    f.n = 0;
    put_frame(&f, 'I', data, (size_t)r);
    if (send_all(sock, f.p, f.n, -1) != 1) break; // the server gone: its close says the rest
  }
  f.n = 0;
  put_frame(&f, 'I', NULL, 0);
  send_all(sock, f.p, f.n, -1);
  free(f.p);
}

// ---- running the command elsewhere ----------------------------------------------------------

/** bin/kjob under node, with what it should do (KJOB_NATIVE_CLIENT: local, start). */
static _Noreturn void run_in_node(const char *verdict) {
  // dist/'s parent, kjob's own directory, as the kernel finds it: the path may go through a
  // symlink and then "..", which node would read as text (a bin/ reached through a link).
  char parent[PATH_MAX], real[PATH_MAX], launcher[PATH_MAX + 16];
  const char *up = strrchr(dist, '/');
  snprintf(parent, sizeof parent, "%.*s", (int)(up ? up - dist : 0), dist);
  snprintf(launcher, sizeof launcher, "%s/bin/kjob", realpath(*parent ? parent : "/", real) ? real : parent);
  char **argv = calloc((size_t)nargs + 3, sizeof *argv);
  if (!argv) abort();
  argv[0] = "node";
  argv[1] = launcher;
  for (int i = 0; i < nargs; i++) argv[i + 2] = args[i];
  setenv("KJOB_NATIVE_CLIENT", verdict, 1);
  signal(SIGPIPE, SIG_DFL);
  execvp("node", argv);
  char what[PATH_MAX + 64];
  snprintf(what, sizeof what, "kjob: cannot run node (%s): install Node.js, or put it on PATH\n", strerror(errno));
  say(what);
  _exit(127);
}

/**
 * A server that neither took nor refused the command in time (stopped, or hung) may still run it
 * later, so the client does not run it too: it says so and fails, as kubectl does when an
 * apiserver does not answer.
 */
static _Noreturn void no_answer(const char *home, const char *sock_path) {
  struct buf b = {0};
  puts_(&b, "kjob: the command server of ");
  puts_(&b, home);
  putf(&b, " did not answer in %ds, and may still run the command; stop it (its socket: ", ANSWER_TIMEOUT_MS / 1000);
  puts_(&b, sock_path);
  puts_(&b, "), or run kjob with KJOB_COMMAND_SERVER=0\n");
  write_out(2, b.p, b.n);
  _exit(1);
}

static int refused_for(const struct buf *why, const char *what) {
  return why->n == strlen(what) && !memcmp(why->p, what, why->n);
}

/** What forward() found when the server did not take the command. */
enum untaken {
  RUN_LOCAL, /* run it in node, start no server */
  START_HERE, /* no server there to take the next command: run it in node, start one there */
  TRY_NEXT, /* busy, or started with another environment: the next slot's server may take it */
};

/**
 * Runs the command in the server at sock_path: exits with its code, or returns what to do when
 * that server did not take it.
 */
static enum untaken forward(const char *sock_path, const char *home, const struct buf *request) {
  int64_t deadline = now_ms() + ANSWER_TIMEOUT_MS;
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (sock < 0) return RUN_LOCAL;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  memcpy(addr.sun_path, sock_path, strlen(sock_path) + 1);
  if (connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
    // Nobody listening (a server killed, its socket left): the next command's server starts.
    // One whose backlog is full (EAGAIN) is there but not taking commands: run it here.
    int e = errno;
    close(sock);
    return e == ECONNREFUSED || e == ENOENT ? START_HERE : RUN_LOCAL;
  }
  int sent = send_all(sock, request->p, request->n, deadline);
  if (sent < 0) no_answer(home, sock_path);
  if (sent == 0) {
    close(sock);
    return RUN_LOCAL;
  }
  int accepted = 0;
  static char chunk[64 * 1024];
  unsigned char head[5];
  size_t head_n = 0, left = 0;
  int in_frame = 0;
  char type = 0;
  struct buf body = {0};
  for (;;) {
    if (!await_sock(sock, POLLIN, accepted ? -1 : deadline)) no_answer(home, sock_path);
    ssize_t r = read(sock, chunk, sizeof chunk);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) {
      // Accepted and gone without an exit code: the command may have run, in part.
      if (accepted) bug("the command server ended before the command did");
      close(sock);
      return RUN_LOCAL;
    }
    for (size_t at = 0; at < (size_t)r;) {
      if (!in_frame) {
        while (head_n < 5 && at < (size_t)r) head[head_n++] = (unsigned char)chunk[at++];
        if (head_n < 5) break;
        head_n = 0;
        in_frame = 1;
        type = (char)head[0];
        left = (size_t)head[1] << 24 | (size_t)head[2] << 16 | (size_t)head[3] << 8 | head[4];
        body.n = 0;
        if (body.p) body.p[0] = 0;
        if (type != 'O' && type != 'E' && left > MAX_FRAME) bug("a frame too large from the command server");
      }
      size_t piece = (size_t)r - at < left ? (size_t)r - at : left;
      if (type == 'O' || type == 'E') write_out(type == 'O' ? 1 : 2, chunk + at, piece);
      else put(&body, chunk + at, piece);
      at += piece;
      left -= piece;
      if (left > 0) break;
      in_frame = 0;
      if (type == 'A') {
        accepted = 1;
      } else if (type == 'R') {
        close(sock);
        if (refused_for(&body, "another build")) return START_HERE;
        return refused_for(&body, "busy") || refused_for(&body, "another environment") ? TRY_NEXT : RUN_LOCAL;
      } else if (type == 'I') {
        send_stdin(sock);
      } else if (type == 'X') {
        // Every byte is written: done.
        _exit(body.p ? atoi(body.p) : 0);
      }
    }
  }
}

/** dist/bundle/current: the bundle bin/kjob would run; 0 without one. */
static int current_sha(char *out, size_t size) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/bundle/current", dist);
  struct buf b = {0};
  put_file(&b, path);
  if (!b.p) return 0;
  size_t s = 0, e = b.n;
  while (s < e && strchr(" \t\r\n", b.p[s])) s++;
  while (e > s && strchr(" \t\r\n", b.p[e - 1])) e--;
  int ok = e > s && e - s < size;
  if (ok) {
    memcpy(out, b.p + s, e - s);
    out[e - s] = 0;
  }
  free(b.p);
  return ok;
}

int main(int argc, char **argv) {
  nargs = argc - 1;
  args = argv + 1;
  signal(SIGPIPE, SIG_IGN);
  // dist/ as bin/kjob's shell part named it (its path, symlinks and all, so that dist/../bin is
  // that kjob's bin/); /proc/self/exe's only for a run by a name without a directory.
  const char *self = argv[0];
  char exe[PATH_MAX];
  if (!strchr(self, '/')) {
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
      say("kjob: cannot find its own program (/proc/self/exe)\n");
      return 2;
    }
    exe[n] = 0;
    self = exe;
  }
  if ((size_t)snprintf(dist, sizeof dist, "%.*s", (int)(strrchr(self, '/') - self), self) >= sizeof dist) {
    say("kjob: its own path is too long\n");
    return 2;
  }
  // Read and removed at once: a value the user's environment had would otherwise be sent as
  // part of the command's environment, which node's side never has.
  const char *mode = getenv("KJOB_NATIVE_CLIENT");
  int decide = mode && !strcmp(mode, "decide");
  unsetenv("KJOB_NATIVE_CLIENT");
  // node's soft limit of open files is its hard one (it raises it at its start): the server
  // compares the limits it reads with the client's.
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }

  char cwd[PATH_MAX], sha[256];
  // A command run in a directory since removed runs in node: the server could not run it there.
  int fwd = getcwd(cwd, sizeof cwd) != NULL && forwardable(verb_of()) && current_sha(sha, sizeof sha);
  if (decide) {
    printf("%s\n", fwd ? "server" : "here");
    return 0;
  }
  if (!fwd) run_in_node("local");
  char home[PATH_MAX];
  if (!home_of(home, sizeof home, cwd)) run_in_node("local");
  struct buf q = {0}, request = {0};
  put_request(&q, sha, cwd);
  put_frame(&request, 'Q', q.p, q.n);
  free(q.p);
  // The state directory's pool of servers (src/cli/command_server.ts), tried in turn; node starts
  // one in the first slot missing.
  for (int slot = 0; slot < COMMAND_SERVERS; slot++) {
    char sock_path[PATH_MAX + 32], verdict[32];
    snprintf(sock_path, sizeof sock_path, "%s%s%s", home, strcmp(home, "/") ? "/" : "", "command");
    size_t n = strlen(sock_path);
    snprintf(sock_path + n, sizeof sock_path - n, slot ? "-%d.sock" : ".sock", slot);
    if (strlen(sock_path) > MAX_SOCKET_PATH) run_in_node("local");
    snprintf(verdict, sizeof verdict, "start:%d", slot);
    // No socket, no server. One that is not this user's own socket is not a server of this
    // user's: the request carries the whole environment.
    struct stat st;
    if (lstat(sock_path, &st) != 0) run_in_node(verdict);
    if (!S_ISSOCK(st.st_mode) || st.st_uid != getuid()) run_in_node("local");
    enum untaken u = forward(sock_path, home, &request);
    if (u == START_HERE) run_in_node(verdict);
    if (u == RUN_LOCAL) break;
  }
  run_in_node("local");
}
