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

static int listen_loopback(int family, uint16_t *port)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *s4;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

altroot_err loopback_start(loopback *lb, altroot_tls_server *tls, const char *body, int family)
{
    memset(lb, 0, sizeof *lb);
    lb->tls = tls;
    lb->body = body;
    lb->listen_fd = listen_loopback(family, &lb->port);
    if (lb->listen_fd < 0)
        return ALTROOT_E_IO;
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
