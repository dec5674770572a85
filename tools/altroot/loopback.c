#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "loopback.h"

#define IO_TIMEOUT_MS 2000

static void respond(const loopback *lb, int fd)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     strlen(lb->body));
    char req[2048];
    if (lb->tls == NULL) {
        struct timeval tv = {IO_TIMEOUT_MS / 1000, 0};
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (recv(fd, req, sizeof req, 0) > 0 && send(fd, head, (size_t)n, MSG_NOSIGNAL) == n)
            (void)send(fd, lb->body, strlen(lb->body), MSG_NOSIGNAL);
        return;
    }
    altroot_tls *t = NULL;
    if (altroot_tls_accept(lb->tls, fd, IO_TIMEOUT_MS, &t) != ALTROOT_OK)
        return; /* the demo client only shakes hands; a failed handshake is its business */
    size_t got = 0;
    /* A client that leaves early is not the server's failure: write results are not needed. */
    if (altroot_tls_read(t, req, sizeof req, &got) == ALTROOT_OK && got > 0 &&
        altroot_tls_write(t, head, (size_t)n) == ALTROOT_OK &&
        altroot_tls_write(t, lb->body, strlen(lb->body)) != ALTROOT_OK)
        got = 0;
    altroot_tls_free(t);
}

static void *serve(void *arg)
{
    loopback *lb = arg;
    while (!atomic_load(&lb->stop)) {
        struct pollfd p = {lb->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(lb->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        respond(lb, fd);
        close(fd);
    }
    return NULL;
}

altroot_err loopback_start(loopback *lb, altroot_tls_server *tls, const char *body)
{
    memset(lb, 0, sizeof *lb);
    lb->tls = tls;
    lb->body = body;
    lb->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lb->listen_fd < 0)
        return ALTROOT_E_IO;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(lb->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(lb->listen_fd, 16) != 0 ||
        getsockname(lb->listen_fd, (struct sockaddr *)&sa, &len) != 0) {
        close(lb->listen_fd);
        return ALTROOT_E_IO;
    }
    lb->port = ntohs(sa.sin_port);
    atomic_init(&lb->stop, false);
    if (pthread_create(&lb->thread, NULL, serve, lb) != 0) {
        close(lb->listen_fd);
        return ALTROOT_E_INTERNAL;
    }
    lb->running = true;
    return ALTROOT_OK;
}

void loopback_stop(loopback *lb)
{
    if (!lb->running)
        return;
    atomic_store(&lb->stop, true);
    pthread_join(lb->thread, NULL);
    close(lb->listen_fd);
    lb->running = false;
}
