list(APPEND ALTROOT_SOURCES trust/store.c trust/pin.c trust/pin_save.c trust/verdict.c trust/verdict_copy.c trust/report.c trust/report_json.c)
