list(APPEND ALTROOT_SOURCES core/alloc.c core/buf.c core/error.c core/file.c core/list.c core/time.c)
