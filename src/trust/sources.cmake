list(APPEND ALTROOT_SOURCES trust/store.c trust/verdict.c trust/report.c trust/report_json.c)
