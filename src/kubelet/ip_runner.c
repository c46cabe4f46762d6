// kjob-shim --ip-runner IP: network.ts's runner of `ip` (its RUNNER, a perl program), natively:
// the same requests on stdin, one a line, and the same replies on stdout, in order.
//
// Why: where the native program is built, the runner's steps are mostly its own --pod-net and
// --netns-del (pod_net.c), and perl's fork of itself for each was most of what a step cost: about
// 9 ms of the machine's CPU a fork on the development machine (perl's heap, its page tables copied
// and then written a page at a time), 1.4% of the machine in a Job of 300. This process is a few
// pages; a step that is this program's own runs in a fork of it, without an exec.
//
// A request is "<step>\t<step>...", a step "<flags>,<ifExists>,<input>,<arg>,<arg>..." with every
// string in hex; flags: f (mayFail), d (doneIfOk), p (concurrent), x (the first arg is the program
// to run instead of IP). A reply is the first error in hex, empty when all went well; an error
// reads "<program> <args>: <its stderr, trimmed>" (or "exit status N"), the program "ip" for IP.
// Each program runs with a 10 s alarm (kept across exec). It exits when the engine closes stdin.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int net_mode_main(int argc, char **argv);
size_t write_all(int fd, const char *s, size_t n); // shim.c

/** One step of a request, its strings decoded. */
struct step {
  char **fields; // what a step's text was split into (freed with it)
  char *flags, *exists, *input;
  char **argv; // the program, then its arguments, NULL-ended
  const char *name; // the program's name in errors
};

/** A started program: its pid and its stderr's read end, or the error that stopped its start; or a step skipped (ifExists). */
struct started {
  int skipped;
  pid_t pid;
  int err_fd;
  char why[256];
};

static int unhex(int c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

/** Decodes hex in place; its end. */
static char *decode(char *s) {
  char *out = s;
  for (char *p = s; p[0] && p[1]; p += 2) {
    int hi = unhex(p[0]), lo = unhex(p[1]);
    if (hi < 0 || lo < 0) break;
    *out++ = (char)(hi * 16 + lo);
  }
  *out = 0;
  return s;
}

static void start(const struct step *s, const char *self, struct started *c) {
  int in[2], er[2];
  c->pid = -1;
  c->err_fd = -1;
  c->why[0] = 0;
  if (pipe2(in, O_CLOEXEC)) {
    snprintf(c->why, sizeof c->why, "%s", strerror(errno));
    return;
  }
  if (pipe2(er, O_CLOEXEC)) {
    snprintf(c->why, sizeof c->why, "%s", strerror(errno));
    close(in[0]);
    close(in[1]);
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(c->why, sizeof c->why, "%s", strerror(errno));
    close(in[0]);
    close(in[1]);
    close(er[0]);
    close(er[1]);
    return;
  }
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL); // an ignored signal stays ignored across exec: the program gets the default
    dup2(in[0], 0);
    int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(nul, 1);
    dup2(er[1], 2);
    alarm(10);
    // This program's own steps run in the fork rather than by an exec of it.
    if (!strcmp(s->argv[0], self)) {
      int argc = 0;
      while (s->argv[1 + argc]) argc++;
      int code = net_mode_main(argc, s->argv + 1);
      if (code >= 0) _exit(code);
    }
    execv(s->argv[0], s->argv);
    _exit(127);
  }
  close(in[0]);
  close(er[1]);
  write_all(in[1], s->input, strlen(s->input));
  close(in[1]);
  c->pid = pid;
  c->err_fd = er[0];
}

/** Waits for a started program: its exit code (128 + a signal's number), its stderr trimmed into err. */
static int finish(struct started *c, char *err, size_t cap) {
  if (c->pid < 0) {
    snprintf(err, cap, "%s", c->why);
    return -1;
  }
  size_t len = 0;
  for (;;) {
    char chunk[4096];
    ssize_t r = read(c->err_fd, chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    size_t take = (size_t)r < cap - 1 - len ? (size_t)r : cap - 1 - len;
    memcpy(err + len, chunk, take);
    len += take;
  }
  err[len] = 0;
  close(c->err_fd);
  int status = 0;
  while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {
  }
  // perl's s/^\s+|\s+$//g
  size_t a = 0;
  while (a < len && strchr(" \t\r\n\f\v", err[a])) a++;
  while (len > a && strchr(" \t\r\n\f\v", err[len - 1])) len--;
  memmove(err, err + a, len - a);
  err[len - a] = 0;
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/** "<name> <args>: <err or exit status N>" into out. */
static void failed(char *out, size_t cap, const struct step *s, int code, const char *err) {
  size_t n = (size_t)snprintf(out, cap, "%s", s->name);
  for (char **a = s->argv + 1; *a && n < cap; a++) n += (size_t)snprintf(out + n, cap - n, " %s", *a);
  if (n >= cap) return;
  if (*err) snprintf(out + n, cap - n, ": %s", err);
  else snprintf(out + n, cap - n, ": exit status %d", code);
}

static int skipped(const struct step *s) {
  struct stat st;
  return *s->exists && stat(s->exists, &st) != 0;
}

/** One request's line (its newline gone): its steps run; the first error into out, "" when none. */
static void run_request(char *line, const char *ip, const char *self, char *out, size_t cap) {
  out[0] = 0;
  size_t nsteps = 1;
  for (char *p = line; *p; p++) nsteps += *p == '\t';
  struct step *steps = calloc(nsteps, sizeof *steps);
  char *save = NULL;
  size_t k = 0;
  for (char *t = strtok_r(line, "\t", &save); t && k < nsteps; t = strtok_r(NULL, "\t", &save)) {
    // f[0..2]: flags, ifExists, input; f[3]: room for the program (ip's path); then the args.
    size_t nf = 1;
    for (char *p = t; *p; p++) nf += *p == ',';
    char **f = calloc((nf < 3 ? 3 : nf) + 2, sizeof *f); // the three fields, the room, the NULL, even when a step is short
    size_t m = 0;
    for (char *p = t;;) {
      char *comma = strchr(p, ',');
      if (comma) *comma = 0;
      f[m < 3 ? m : m + 1] = decode(p);
      m++;
      if (!comma) break;
      p = comma + 1;
    }
    struct step *st = &steps[k++];
    st->fields = f;
    st->flags = f[0] ? f[0] : "";
    st->exists = f[1] ? f[1] : "";
    st->input = f[2] ? f[2] : "";
    if (strchr(st->flags, 'x') && f[4]) {
      st->argv = f + 4;
      st->name = f[4];
    } else {
      f[3] = (char *)ip;
      st->argv = f + 3;
      st->name = "ip";
    }
  }
  // A step, or a concurrent step and the concurrent ones right after it: started together, then
  // each ended in order. doneIfOk ends the request only after a step that is not concurrent.
  char err[8192];
  struct started *c = calloc(k ? k : 1, sizeof *c);
  for (size_t i = 0, j; i < k && !out[0]; i = j) {
    j = i + 1;
    if (strchr(steps[i].flags, 'p'))
      while (j < k && strchr(steps[j].flags, 'p')) j++;
    for (size_t q = i; q < j; q++)
      if (!(c[q].skipped = skipped(&steps[q]))) start(&steps[q], self, &c[q]);
    int done = 0;
    for (size_t q = i; q < j; q++) {
      if (c[q].skipped) continue;
      int code = finish(&c[q], err, sizeof err);
      if (code == 0) done |= strchr(steps[q].flags, 'd') && !strchr(steps[q].flags, 'p');
      else if (!strchr(steps[q].flags, 'f') && !out[0]) failed(out, cap, &steps[q], code, err);
    }
    if (done) break;
  }
  free(c);
  for (size_t i = 0; i < k; i++) free(steps[i].fields);
  free(steps);
}

/** kjob-shim --ip-runner IP: argv past "--ip-runner"; self, this program's path (its own steps run in a fork of it). */
int ip_runner_main(int argc, char **argv, const char *self) {
  if (argc != 1) {
    dprintf(2, "usage: kjob-shim --ip-runner IP\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  char *line = NULL;
  size_t size = 0;
  ssize_t n;
  static char out[65536];
  while ((n = getline(&line, &size, stdin)) > 0) {
    if (line[n - 1] == '\n') line[--n] = 0;
    run_request(line, argv[0], self, out, sizeof out);
    static const char digits[] = "0123456789abcdef";
    size_t len = strlen(out);
    char *hex = malloc(2 * len + 2);
    for (size_t i = 0; i < len; i++) {
      hex[2 * i] = digits[(unsigned char)out[i] >> 4];
      hex[2 * i + 1] = digits[(unsigned char)out[i] & 15];
    }
    hex[2 * len] = '\n';
    size_t total = 2 * len + 1, wrote = write_all(1, hex, total);
    free(hex);
    if (wrote < total) return 0; // the engine is gone
  }
  return 0;
}
