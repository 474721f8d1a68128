/*
 * The recorder: stands in for a daemon and writes down the process state it was started with, so that
 * the host's start path and the generated run script can be compared (docs/fidelity.md).
 *
 * Everything it needs comes from a directory fixed at compile time (REC_DIR), never from the
 * environment, so recording changes nothing it records:
 *   REC_DIR/mode     "supervised": when started by s6-supervise (the supervised daemon itself, not a
 *                    prelude command), sleep until killed after recording; otherwise exit 0 at once
 *   REC_DIR/roots    directories whose whole content is listed (type, owner, mode), one per line
 * Each start writes REC_DIR/rec-<monotonic ns>-<pid>.json (written aside, then renamed).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef REC_DIR
#define REC_DIR "/.s6m-rec"
#endif
#define MAX_ENTRIES 4000

extern char **environ;
static FILE *out;
static int entries;

static void jstr(const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p < 0x20 || *p >= 0x7f) fprintf(out, "\\u%04x", *p); /* bytes, not characters: stable */
    else fputc(*p, out);
  }
  fputc('"', out);
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmpgid(const void *a, const void *b) { gid_t x = *(const gid_t *)a, y = *(const gid_t *)b; return x < y ? -1 : x > y; }

static void limit(const char *name, int res, int *first) {
  struct rlimit rl;
  if (getrlimit(res, &rl) != 0) return;
  fprintf(out, "%s\"%s\":[", *first ? "" : ",", name);
  *first = 0;
  if (rl.rlim_cur == RLIM_INFINITY) fputs("\"infinity\"", out); else fprintf(out, "%llu", (unsigned long long)rl.rlim_cur);
  fputc(',', out);
  if (rl.rlim_max == RLIM_INFINITY) fputs("\"infinity\"", out); else fprintf(out, "%llu", (unsigned long long)rl.rlim_max);
  fputc(']', out);
}

static const char *kind(mode_t m) {
  if (S_ISDIR(m)) return "dir";
  if (S_ISREG(m)) return "file";
  if (S_ISLNK(m)) return "link";
  if (S_ISCHR(m)) return "chr";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "sock";
  return "other";
}

/* Lists a tree depth first in name order: path, type, uid, gid, permission bits. */
static void walk(const char *path, int *first) {
  struct dirent **names;
  int n = scandir(path, &names, NULL, alphasort);
  if (n < 0) return;
  for (int i = 0; i < n; i++) {
    const char *e = names[i]->d_name;
    if (strcmp(e, ".") && strcmp(e, "..") && entries < MAX_ENTRIES) {
      char p[PATH_MAX];
      struct stat st;
      snprintf(p, sizeof p, "%s/%s", strcmp(path, "/") ? path : "", e);
      if (lstat(p, &st) == 0) {
        entries++;
        fprintf(out, "%s[", *first ? "" : ",");
        *first = 0;
        jstr(p);
        fprintf(out, ",\"%s\",%u,%u,\"%04o\"]", kind(st.st_mode), (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
        if (S_ISDIR(st.st_mode)) walk(p, first);
      }
    }
    free(names[i]);
  }
  free(names);
}

static int readfile(const char *name, char *buf, size_t size) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/%s", REC_DIR, name);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t r = read(fd, buf, size - 1);
  close(fd);
  buf[r > 0 ? r : 0] = 0;
  return 0;
}

int main(int argc, char **argv) {
  struct timespec ts;
  char tmp[PATH_MAX], final[PATH_MAX], buf[PATH_MAX];
  mode_t um = umask(0);
  umask(um);
  clock_gettime(CLOCK_MONOTONIC, &ts);
  unsigned long long ns = (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
  snprintf(tmp, sizeof tmp, "%s/.tmp-%d", REC_DIR, (int)getpid());
  snprintf(final, sizeof final, "%s/rec-%020llu-%d.json", REC_DIR, ns, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || !(out = fdopen(fd, "w"))) return 111;

  fputs("{\"exe\":", out);
  ssize_t l = readlink("/proc/self/exe", buf, sizeof buf - 1);
  buf[l > 0 ? l : 0] = 0;
  jstr(buf);
  fputs(",\"argv\":[", out);
  for (int i = 0; i < argc; i++) { if (i) fputc(',', out); jstr(argv[i]); }
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  fprintf(out, "],\"uid\":%u,\"euid\":%u,\"suid\":%u,\"gid\":%u,\"egid\":%u,\"sgid\":%u,\"groups\":[",
          (unsigned)ru, (unsigned)eu, (unsigned)su, (unsigned)rg, (unsigned)eg, (unsigned)sg);
  int ng = getgroups(0, NULL);
  gid_t *gs = calloc(ng > 0 ? ng : 1, sizeof *gs);
  ng = getgroups(ng, gs);
  qsort(gs, ng > 0 ? ng : 0, sizeof *gs, cmpgid);
  for (int i = 0; i < ng; i++) fprintf(out, "%s%u", i ? "," : "", (unsigned)gs[i]);
  fputs("],\"env\":[", out);
  int ne = 0;
  while (environ[ne]) ne++;
  char **env = calloc(ne + 1, sizeof *env);
  memcpy(env, environ, ne * sizeof *env);
  qsort(env, ne, sizeof *env, cmpstr);
  for (int i = 0; i < ne; i++) { if (i) fputc(',', out); jstr(env[i]); }
  fputs("],\"cwd\":", out);
  jstr(getcwd(buf, sizeof buf) ? buf : "?");
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  fprintf(out, ",\"umask\":\"%04o\",\"nice\":%d,\"parent\":", (unsigned)um, errno ? 0 : nice);
  /* The parent's name from /proc/PPID/comm: readable whatever account the recorder runs as. */
  char parent[64] = "", pp[64];
  snprintf(pp, sizeof pp, "/proc/%d/comm", (int)getppid());
  int pfd = open(pp, O_RDONLY | O_CLOEXEC);
  if (pfd >= 0) {
    ssize_t n = read(pfd, parent, sizeof parent - 1);
    close(pfd);
    parent[n > 0 ? n : 0] = 0;
    parent[strcspn(parent, "\n")] = 0;
  }
  jstr(parent);
  fputs(",\"limits\":{", out);
  int first = 1;
  limit("as", RLIMIT_AS, &first); limit("core", RLIMIT_CORE, &first); limit("cpu", RLIMIT_CPU, &first);
  limit("data", RLIMIT_DATA, &first); limit("fsize", RLIMIT_FSIZE, &first); limit("locks", RLIMIT_LOCKS, &first);
  limit("memlock", RLIMIT_MEMLOCK, &first); limit("msgqueue", RLIMIT_MSGQUEUE, &first); limit("nice", RLIMIT_NICE, &first);
  limit("nofile", RLIMIT_NOFILE, &first); limit("nproc", RLIMIT_NPROC, &first); limit("rss", RLIMIT_RSS, &first);
  limit("rtprio", RLIMIT_RTPRIO, &first); limit("rttime", RLIMIT_RTTIME, &first); limit("sigpending", RLIMIT_SIGPENDING, &first);
  limit("stack", RLIMIT_STACK, &first);
  fputs("},\"fds\":[", out);
  for (int i = 0; i < 3; i++) {
    struct stat st;
    fprintf(out, "%s\"%s\"", i ? "," : "", fstat(i, &st) == 0 ? kind(st.st_mode) : "closed");
  }
  fputs("],\"files\":[", out);
  first = 1;
  char roots[4096];
  if (readfile("roots", roots, sizeof roots) == 0) {
    for (char *line = strtok(roots, "\n"); line; line = strtok(NULL, "\n")) if (*line) walk(line, &first);
  }
  fprintf(out, "],\"truncated\":%s}\n", entries >= MAX_ENTRIES ? "true" : "false");
  if (fclose(out) != 0 || rename(tmp, final) != 0) return 111;

  char mode[32];
  if (readfile("mode", mode, sizeof mode) == 0 && strncmp(mode, "supervised", 10) == 0 && strcmp(parent, "s6-supervise") == 0) {
    for (;;) pause();
  }
  return 0;
}
