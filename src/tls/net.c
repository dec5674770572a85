#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <altroot/error.h>

#include "../core/guard.h"
#include "net.h"

static void format_addr(const struct sockaddr *sa, socklen_t len, char out[NET_ADDR_STR])
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (getnameinfo(sa, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(out, NET_ADDR_STR, "?");
        return;
    }
    snprintf(out, NET_ADDR_STR, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
}

/* Non-blocking connect, then wait for writability with a deadline. Returns 0 or an errno. */
static int connect_one(const struct addrinfo *ai, int timeout_ms, int *out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return errno;
    int flags = fcntl(fd, F_GETFL);
    int rc = 0;
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        rc = errno;
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        rc = errno;
        if (rc == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int n;
            do
                n = poll(&p, 1, timeout_ms);
            while (n < 0 && errno == EINTR);
            socklen_t sl = sizeof rc;
            if (n == 0)
                rc = ETIMEDOUT;
            else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &rc, &sl) != 0)
                rc = n < 0 ? errno : EIO;
        }
    }
    if (rc == 0 && fcntl(fd, F_SETFL, flags) < 0)
        rc = errno;
    if (rc != 0) {
        close(fd);
        return rc;
    }
    *out = fd;
    return 0;
}

altroot_err altroot_net_connect(const char *host, uint16_t port, int timeout_ms, int *fd,
                                char addr[NET_ADDR_STR], altroot_failures *why)
{
    char serv[8];
    snprintf(serv, sizeof serv, "%u", (unsigned)port);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int g = getaddrinfo(host, serv, &hints, &res);
    if (g != 0) {
        TRY(altroot_failures_add(why, ALTROOT_E_RESOLVE, host, "%s", gai_strerror(g)));
        return ALTROOT_E_RESOLVE;
    }
    altroot_err err = ALTROOT_E_CONNECT;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        char a[NET_ADDR_STR];
        format_addr(ai->ai_addr, ai->ai_addrlen, a);
        int rc = connect_one(ai, timeout_ms, fd);
        if (rc == 0) {
            memcpy(addr, a, NET_ADDR_STR);
            err = ALTROOT_OK;
            break;
        }
        altroot_err code = rc == ETIMEDOUT ? ALTROOT_E_TIMEOUT : ALTROOT_E_CONNECT;
        altroot_err r = altroot_failures_add(why, code, a, "%s", strerror(rc));
        if (r != ALTROOT_OK) {
            err = r;
            break;
        }
        err = code;
    }
    freeaddrinfo(res);
    return err;
}
