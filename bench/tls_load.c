/*
 * The client side of the server benchmarks (scripts/bench-servers.sh starts the servers):
 *
 *   tls_load rate HANDSHAKES ROUNDS NAME:PORT:PID NAME:PORT:PID...
 *     One client loop of fresh TLS 1.3 full handshakes (plain OpenSSL, verification off, no
 *     resumption), rounds rotating between the servers; the first server is altroot's, each
 *     other one a baseline. Prints handshakes per second, and each server's CPU per handshake
 *     (schedstat of every thread under /proc/PID/task), against every baseline.
 *
 *   tls_load hold PORT COUNT openssl|altroot
 *     Opens COUNT TLS connections and keeps them idle after the handshake; prints the client's
 *     own RSS growth, then "ready", and waits until its standard input closes (at most
 *     HOLD_LIMIT_S seconds). "openssl" shares one SSL_CTX between the connections; "altroot"
 *     uses the library's client sessions (altroot_tls_connect).
 *
 * Every socket has a timeout; an answer that does not come fails the run instead of hanging it.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <altroot/tls.h>

#include "bench.h"

#define IO_TIMEOUT_S 5
#define HOLD_LIMIT_S 120
#define MAX_SERVERS 4
#define MAX_ROUNDS 101

static void die(const char *what)
{
    fprintf(stderr, "tls_load: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static int dial(uint16_t port)
{
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval tv = {IO_TIMEOUT_S, 0};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("cannot connect to the server");
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* TLS 1.3 only, no verification (the servers are measured, not judged), no resumption. */
static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
        die("SSL_CTX_new");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

static SSL *tls_open(SSL_CTX *ctx, uint16_t port, int *fd)
{
    *fd = dial(port);
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, *fd) != 1 || SSL_connect(ssl) != 1)
        die("handshake failed");
    return ssl;
}

/* ---- rate ---- */

typedef struct target {
    char name[64];
    uint16_t port;
    int pid;
    double wall[MAX_ROUNDS], cpu[MAX_ROUNDS]; /* per handshake, microseconds */
} target;

/* A decimal number in [1, max] ending at `stop` ('\0' or ':'); -1 otherwise. */
static long number_until(const char *text, char stop, long max, const char **next)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != stop || v < 1 || v > max)
        return -1;
    *next = end + (stop != '\0');
    return v;
}

/* "NAME:PORT:PID". */
static void parse_target(const char *text, target *t)
{
    memset(t, 0, sizeof *t);
    const char *colon = strchr(text, ':'), *rest = NULL;
    size_t n = colon != NULL ? (size_t)(colon - text) : 0;
    if (n == 0 || n >= sizeof t->name)
        die("expected NAME:PORT:PID");
    memcpy(t->name, text, n);
    long port = number_until(colon + 1, ':', 65535, &rest);
    long pid = port > 0 ? number_until(rest, '\0', 1L << 22, &rest) : -1;
    if (port < 0 || pid < 0)
        die("expected NAME:PORT:PID");
    t->port = (uint16_t)port;
    t->pid = (int)pid;
}

/* CPU time of one thread, in microseconds: the first field of schedstat, in nanoseconds. */
static double thread_cpu_us(int pid, const char *tid)
{
    char path[300];
    unsigned long long ns = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", pid, tid);
    char text[64] = "";
    FILE *f = fopen(path, "r");
    if (f != NULL && fgets(text, sizeof text, f) != NULL)
        ns = strtoull(text, NULL, 10); /* the first field; 0 when unreadable */
    if (f != NULL)
        fclose(f);
    return (double)ns / 1e3; /* 0 for a thread that just ended */
}

/* CPU time of a process (every thread, user and system), in microseconds. */
static double process_cpu_us(int pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (d == NULL)
        die("cannot read the server's CPU time (has it stopped?)");
    double us = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
        if (e->d_name[0] != '.')
            us += thread_cpu_us(pid, e->d_name);
    closedir(d);
    return us;
}

/* Handshake, close_notify, then wait for the server's close: its work is inside the timing. */
static void full_handshake(SSL_CTX *ctx, uint16_t port)
{
    int fd = -1;
    char buf[512];
    SSL *ssl = tls_open(ctx, port, &fd);
    (void)SSL_shutdown(ssl);
    while (read(fd, buf, sizeof buf) > 0)
        ;
    SSL_free(ssl);
    close(fd);
}

static void rate_round(SSL_CTX *ctx, target *t, int iters, int r)
{
    double w0 = bench_clock_us(CLOCK_MONOTONIC), c0 = process_cpu_us(t->pid);
    for (int i = 0; i < iters; i++)
        full_handshake(ctx, t->port);
    t->wall[r] = (bench_clock_us(CLOCK_MONOTONIC) - w0) / iters;
    t->cpu[r] = (process_cpu_us(t->pid) - c0) / iters;
}

static int run_rate(int iters, int rounds, target *t, int n)
{
    SSL_CTX *ctx = client_ctx();
    for (int k = 0; k < n; k++)
        full_handshake(ctx, t[k].port); /* each server's lazy start outside the timing */
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < n; k++)
            rate_round(ctx, &t[(r + k) % n], iters, r);
    bench_stat wall[MAX_SERVERS], cpu[MAX_SERVERS];
    for (int k = 0; k < n; k++) {
        wall[k] = bench_stat_of(t[k].wall, rounds);
        cpu[k] = bench_stat_of(t[k].cpu, rounds);
    }
    bench_rate_header("Server: TLS 1.3 full handshakes from one client loop (same cert and key)",
                      "hs/s");
    for (int k = 1; k < n; k++)
        bench_report_rate(t[0].name, wall[0], t[k].name, wall[k]);
    bench_header(
        "  the same: server CPU per handshake (all its threads, from /proc/PID/task/*/schedstat)");
    for (int k = 1; k < n; k++)
        bench_report(t[0].name, cpu[0], t[k].name, cpu[k]);
    SSL_CTX_free(ctx);
    return 0;
}

/* ---- hold ---- */

static long rss_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10); /* "VmRSS:   12345 kB" */
            break;
        }
    if (f != NULL)
        fclose(f);
    return kib;
}

static void raise_fd_limit(int count)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)count + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

typedef struct held {
    SSL *ssl;
    altroot_tls *tls;
    int fd;
} held;

static void hold_open(held *h, SSL_CTX *ctx, uint16_t port, bool altroot_api)
{
    if (!altroot_api) {
        h->ssl = tls_open(ctx, port, &h->fd);
        return;
    }
    h->fd = dial(port);
    if (altroot_tls_connect(h->fd, NULL, IO_TIMEOUT_S * 1000, &h->tls, NULL) != ALTROOT_OK)
        die("altroot_tls_connect failed");
}

static void hold_close(held *h)
{
    SSL_free(h->ssl);
    altroot_tls_free(h->tls);
    close(h->fd);
}

static int run_hold(uint16_t port, int count, bool altroot_api)
{
    raise_fd_limit(count);
    held *h = calloc((size_t)count, sizeof *h);
    SSL_CTX *ctx = client_ctx();
    if (h == NULL)
        die("out of memory");
    full_handshake(ctx, port); /* libssl's lazy initialisation outside the measure */
    long before = rss_kib();
    for (int i = 0; i < count; i++)
        hold_open(&h[i], ctx, port, altroot_api);
    long after = rss_kib();
    printf("client (%s) RSS: %ld KiB before, %ld KiB with %d connections, %.1f KiB per "
           "connection\nready\n",
           altroot_api ? "altroot_tls_connect" : "OpenSSL, one SSL_CTX", before, after, count,
           (double)(after - before) / count);
    fflush(stdout);
    alarm(HOLD_LIMIT_S); /* the script closes our input; never outlive it for long */
    char buf[64];
    while (fread(buf, 1, sizeof buf, stdin) > 0)
        ;
    for (int i = 0; i < count; i++)
        hold_close(&h[i]);
    free(h);
    SSL_CTX_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    (void)signal(SIGPIPE, SIG_IGN);
    if (argc >= 6 && strcmp(argv[1], "rate") == 0 && argc - 4 <= MAX_SERVERS) {
        int iters = bench_arg(argc, argv, 2, 100), rounds = bench_arg(argc, argv, 3, 9);
        target t[MAX_SERVERS];
        for (int k = 0; k < argc - 4; k++)
            parse_target(argv[4 + k], &t[k]);
        return run_rate(iters, rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds, t, argc - 4);
    }
    if (argc == 5 && strcmp(argv[1], "hold") == 0) {
        int port = bench_arg(argc, argv, 2, 0), count = bench_arg(argc, argv, 3, 0);
        if (port > 0 && port < 65536 && count > 0)
            return run_hold((uint16_t)port, count, strcmp(argv[4], "altroot") == 0);
    }
    fprintf(stderr, "usage: tls_load rate HANDSHAKES ROUNDS NAME:PORT:PID NAME:PORT:PID...\n"
                    "       tls_load hold PORT COUNT openssl|altroot\n");
    return 2;
}
