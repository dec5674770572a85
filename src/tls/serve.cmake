# Non-blocking TLS sessions for the event-driven reference server (altroot serve).
list(APPEND ALTROOT_SOURCES tls/tls_event.c)
