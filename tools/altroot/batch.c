/*
 * Fleets of devices, for hubs and benchmarks:
 *   altroot mint fleet --out DIR --count N [--at TIME]
 *     one Matter vendor (PAA, PAI, CD) and N device certificates carrying Matter evidence, each
 *     for its own DAC and TLS key: DIR/devices/device-NNNNN.pem,
 * DIR/anchors/{matter-paa,matter-cd}; altroot verify --batch DIR --anchors ANCHORS [--jobs N] [--at
 * TIME] [--json] judges every certificate file of DIR (leaf first, then its chain) with the
 * connection evaluator, on N threads (default: one per core), and prints the tally, the rate and
 * the peak memory. Exit 0 when every device is attested or trusted, 1 otherwise, 2 when a file
 *     cannot be read or an argument is wrong.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <altroot/matter.h>

#include "cli.h"

#define DAY 86400
#define FLEET_MAX 1000000
#define JOBS_MAX 64

/* ---- mint fleet ---- */

static altroot_err issue_dac(const altroot_matter_minted *m, unsigned n, altroot_time at,
                             altroot_key **key, altroot_cert **dac)
{
    char cn[48];
    snprintf(cn, sizeof cn, "altroot fleet DAC %05u", n);
    altroot_name_entry ids[2] = {{"1.3.6.1.4.1.37244.2.1", "FFF1"},
                                 {"1.3.6.1.4.1.37244.2.2", "8000"}};
    altroot_cert_template t = {.common_name = cn,
                               .subject_attrs = ids,
                               .subject_attr_count = 2,
                               .path_len = -1,
                               .not_before = at - DAY,
                               .not_after = ALTROOT_TIME_NO_EXPIRY};
    altroot_err err = altroot_key_generate(ALTROOT_KEY_EC_P256, key);
    return err == ALTROOT_OK ? altroot_cert_issue(&t, *key, m->pai, m->pai_key, dac) : err;
}

static bool write_device(const char *dir, unsigned n, const altroot_certs *chain)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    char name[32];
    snprintf(name, sizeof name, "device-%05u.pem", n);
    bool ok = altroot_certs_to_pem(chain, &pem) == ALTROOT_OK &&
              cli_write(dir, name, pem.ptr, pem.len, false);
    altroot_bytes_clear(&pem);
    return ok;
}

/* Device n: a DAC under the vendor's PAI and a self-signed TLS certificate with its evidence. */
static bool mint_device(const altroot_matter_minted *m, unsigned n, altroot_time at,
                        const char *dir)
{
    altroot_key *dac_key = NULL, *tls_key = NULL;
    altroot_cert *dac = NULL;
    altroot_certs *chain = NULL;
    const char *names[] = {"127.0.0.1"};
    altroot_err err = issue_dac(m, n, at, &dac_key, &dac);
    if (err == ALTROOT_OK) {
        altroot_device_creds c = {.matter_dac_key = dac_key,
                                  .matter_dac = altroot_cert_der(dac),
                                  .matter_pai = altroot_cert_der(m->pai),
                                  .matter_cd = altroot_bytes_span(&m->cd)};
        altroot_device_cert_params p = {.names = names,
                                        .name_count = 1,
                                        .not_before = at - DAY,
                                        .not_after = at + 365 * (altroot_time)DAY,
                                        .iat = at - 60};
        err = altroot_device_cert_build(&c, &p, &chain, &tls_key);
    }
    bool ok = err == ALTROOT_OK && write_device(dir, n, chain);
    if (err != ALTROOT_OK)
        cli_error("mint fleet", err);
    altroot_certs_free(chain);
    altroot_key_free(tls_key);
    altroot_cert_free(dac);
    altroot_key_free(dac_key);
    return ok;
}

static bool write_vendor(const char *out, const altroot_matter_minted *m)
{
    char paa[4096], cd[4096];
    snprintf(paa, sizeof paa, "%s/anchors/matter-paa", out);
    snprintf(cd, sizeof cd, "%s/anchors/matter-cd", out);
    return cli_mkdirs(paa) && cli_mkdirs(cd) && cli_write_cert(paa, "paa.pem", m->paa) &&
           cli_write_cert(cd, "cd-signer.pem", m->cd_signer);
}

static bool parse_count(const char *text, long max, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

int mint_fleet(int argc, char **argv)
{
    cli_common c = {0};
    const char *out = NULL;
    long count = 0;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (!(strcmp(argv[i], "--count") == 0 && i + 1 < argc &&
                   parse_count(argv[++i], FLEET_MAX, &count))) {
            fprintf(stderr, "usage: altroot mint fleet --out DIR --count N (1..%d) [--at TIME]\n",
                    FLEET_MAX);
            return EXIT_USAGE;
        }
    }
    if (out == NULL || count == 0) {
        fprintf(stderr, "usage: altroot mint fleet --out DIR --count N [--at TIME]\n");
        return EXIT_USAGE;
    }
    altroot_time at = c.at_given ? c.at : altroot_time_now();
    altroot_matter_minted m;
    char devices[4096];
    snprintf(devices, sizeof devices, "%s/devices", out);
    altroot_err err = altroot_matter_mint(0xFFF1, 0x8000, at, ALTROOT_MATTER_FAULT_NONE, &m);
    if (err != ALTROOT_OK) {
        cli_error("mint fleet", err);
        return EXIT_USAGE;
    }
    bool ok = write_vendor(out, &m) && cli_mkdirs(devices);
    for (unsigned n = 1; ok && n <= (unsigned)count; n++)
        ok = mint_device(&m, n, at, devices);
    altroot_matter_minted_clear(&m);
    if (ok)
        printf("%ld devices in %s, anchors in %s/anchors\n", count, devices, out);
    return ok ? EXIT_VERIFIED : EXIT_USAGE;
}

/* ---- verify --batch ---- */

typedef struct tally {
    unsigned long decided[3]; /* by altroot_decision */
    unsigned long unreadable;
    char first_problem[512];
} tally;

typedef struct batch {
    const altroot_trust_store *store;
    altroot_time at;
    const char *dir;
    char **files;
    size_t count;
    atomic_size_t next;
} batch;

typedef struct worker {
    batch *b;
    tally t;
    pthread_t thread;
} worker;

static void note(tally *t, const char *file, const char *what)
{
    if (t->first_problem[0] == '\0')
        snprintf(t->first_problem, sizeof t->first_problem, "%s: %s", file, what);
}

static void judge_file(const batch *b, const char *name, tally *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", b->dir, name);
    altroot_certs *chain = NULL;
    altroot_err err = altroot_certs_new(&chain);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(chain, path);
    altroot_verdict v;
    altroot_verdict_init(&v);
    if (err == ALTROOT_OK)
        err = altroot_evaluate_chain(chain, NULL, b->store, b->at, &v);
    if (err != ALTROOT_OK) {
        /* Every file that cannot be read is named on its own line, not only the first; running
         * out of memory is one failure of the run, named once by the tally. */
        t->unreadable++;
        note(t, name, altroot_error_name(err));
        if (err != ALTROOT_E_NOMEM)
            cli_error(path, err);
    } else {
        t->decided[v.decision]++;
        if (v.decision == ALTROOT_DECISION_UNTRUSTED)
            note(t, name,
                 v.failures.count > 0 ? altroot_error_name(v.failures.items[0].code) : "untrusted");
    }
    altroot_verdict_clear(&v);
    altroot_certs_free(chain);
}

static void *work(void *arg)
{
    worker *w = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&w->b->next, 1);
        if (i >= w->b->count)
            return NULL;
        judge_file(w->b, w->b->files[i], &w->t);
    }
}

static int regular(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static void free_files(char **files, int n)
{
    for (int i = 0; i < n; i++)
        free(files[i]); /* allocated by scandir with the C library */
    free(files);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static tally run_jobs(batch *b, int jobs, double *seconds)
{
    worker w[JOBS_MAX];
    tally sum;
    memset(&sum, 0, sizeof sum);
    double t0 = now_seconds();
    int started = 0;
    for (int i = 0; i < jobs; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].b = b;
        if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0)
            break;
        started++;
    }
    if (started == 0)
        work(&(worker){.b = b}); /* no thread could start: do the work here */
    for (int i = 0; i < started; i++) {
        pthread_join(w[i].thread, NULL);
        for (int d = 0; d < 3; d++)
            sum.decided[d] += w[i].t.decided[d];
        sum.unreadable += w[i].t.unreadable;
        if (sum.first_problem[0] == '\0')
            memcpy(sum.first_problem, w[i].t.first_problem, sizeof sum.first_problem);
    }
    *seconds = now_seconds() - t0;
    return sum;
}

static void print_tally(const tally *t, size_t files, int jobs, double s, bool json)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rate = s > 0 ? (double)files / s : 0;
    if (json)
        printf("{\"files\": %zu, \"jobs\": %d, \"trusted\": %lu, \"attested\": %lu, "
               "\"untrusted\": %lu, \"unreadable\": %lu, \"seconds\": %.3f, "
               "\"per_second\": %.1f, \"peak_rss_kib\": %ld}\n",
               files, jobs, t->decided[ALTROOT_DECISION_TRUSTED],
               t->decided[ALTROOT_DECISION_ATTESTED], t->decided[ALTROOT_DECISION_UNTRUSTED],
               t->unreadable, s, rate, ru.ru_maxrss);
    else
        printf("%zu files, %d jobs: %lu trusted, %lu attested, %lu untrusted, %lu unreadable; "
               "%.2f s, %.0f per second, peak RSS %ld KiB\n",
               files, jobs, t->decided[ALTROOT_DECISION_TRUSTED],
               t->decided[ALTROOT_DECISION_ATTESTED], t->decided[ALTROOT_DECISION_UNTRUSTED],
               t->unreadable, s, rate, ru.ru_maxrss);
    if (t->first_problem[0] != '\0')
        fprintf(stderr, "first problem: %s\n", t->first_problem);
}

static int batch_run(const cli_common *c, const char *dir, int jobs)
{
    altroot_trust_store *store = cli_store_for_verify(c, NULL, 0);
    if (store == NULL)
        return EXIT_USAGE;
    struct dirent **names = NULL;
    int n = scandir(dir, &names, regular, alphasort);
    if (n <= 0) {
        fprintf(stderr, "altroot verify --batch: %s: no files (E_NOT_FOUND)\n", dir);
        altroot_trust_store_free(store);
        return EXIT_USAGE;
    }
    char **files = calloc((size_t)n, sizeof *files);
    for (int i = 0; files != NULL && i < n; i++)
        files[i] = strdup(names[i]->d_name);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    batch b = {.store = store,
               .at = c->at_given ? c->at : altroot_time_now(),
               .dir = dir,
               .files = files,
               .count = files != NULL ? (size_t)n : 0};
    atomic_init(&b.next, 0);
    double seconds = 0;
    tally t = run_jobs(&b, jobs, &seconds);
    print_tally(&t, b.count, jobs, seconds, c->json);
    if (files != NULL)
        free_files(files, n);
    altroot_trust_store_free(store);
    if (files == NULL || t.unreadable > 0)
        return EXIT_USAGE;
    return t.decided[ALTROOT_DECISION_UNTRUSTED] == 0 ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

static void batch_usage(void)
{
    fprintf(stderr, "usage: altroot verify --batch DIR --anchors DIR [--jobs N] [--at TIME] "
                    "[--json]\n");
}

int verify_batch(int argc, char **argv)
{
    cli_common c = {0};
    const char *dir = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (!(strcmp(argv[i], "--jobs") == 0 && i + 1 < argc &&
                   parse_count(argv[++i], JOBS_MAX, &jobs))) {
            batch_usage();
            return EXIT_USAGE;
        }
    }
    if (dir == NULL || c.anchors == NULL) {
        batch_usage();
        return EXIT_USAGE;
    }
    return batch_run(&c, dir, (int)(jobs < 1 ? 1 : jobs > JOBS_MAX ? JOBS_MAX : jobs));
}
