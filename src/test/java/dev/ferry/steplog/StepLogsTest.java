package dev.ferry.steplog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.Secret;
import dev.ferry.testing.Await;
import dev.ferry.testing.Postgres;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A step's log as the operator reads it: what Ferry logs on the step's thread and on the threads it starts, while it
 * runs, never another step's lines or a secret, and only the newest lines of a long step.
 */
class StepLogsTest {

    static final Logger FERRY = Logger.getLogger("dev.ferry.load.Loader");
    static final Logger LIBRARY = Logger.getLogger("software.amazon.awssdk.core");
    static Postgres postgres;
    static PGSimpleDataSource repository;
    static StepLogs logs;

    @BeforeAll
    static void createDatabase() throws Exception {
        postgres = new Postgres();
        repository = new PGSimpleDataSource();
        repository.setURL(postgres.createDatabase("steplogs"));
        repository.setUser("postgres");
        StepLogs.createTableIfAbsent(repository);
        logs = new StepLogs(repository, List.of(Secret.of("s3cr3t-Key-99")), Clock.systemUTC());
        logs.start(Thread::new);
    }

    @AfterAll
    static void dropDatabase() {
        logs.close();
        postgres.close();
    }

    static List<String> lines(long execution, Optional<String> step) throws Exception {
        return logs.lines(execution, step, 0, 10_000).stream().map(l -> l.step() + " " + l.level() + " " + l.message()).toList();
    }

    @Test
    void aStepsLinesAreReadableWhileItRunsAndOnlyItsOwn() throws Exception {
        try (StepLogs.Session log = logs.open(1, 11, "extract")) {
            log.line(java.util.logging.Level.INFO, "f/extract started");
            FERRY.info("f/extract 20240101: 1,000 rows, 0.1 MB in 5.0 s");
            Thread stream = new Thread(() -> FERRY.warning("stream 2 of 2: retrying a read of part-00001"));
            stream.start();
            stream.join();
            LIBRARY.warning("Unable to execute HTTP request: Read timed out");
            LIBRARY.info("a library's chatter is not the operator's business");
            Logger.getLogger("org.jberet").warning("JBERET000001: the failure Ferry reports itself");
            Thread other = new Thread(() -> {
                try (StepLogs.Session another = logs.open(2, 21, "load")) {
                    FERRY.info("f/load started in another execution");
                }
            });
            other.start();
            other.join();

            assertThat(Await.until("the lines so far are written while the step runs", Duration.ofSeconds(10),
                    () -> lines(1, Optional.empty()), l -> l.size() == 4)).containsExactly(
                    "extract INFO f/extract started",
                    "extract INFO f/extract 20240101: 1,000 rows, 0.1 MB in 5.0 s",
                    "extract WARN stream 2 of 2: retrying a read of part-00001",
                    "extract WARN Unable to execute HTTP request: Read timed out");
        }
        FERRY.info("logged on this thread after the step ended");
        assertThat(lines(1, Optional.empty())).hasSize(4);
        assertThat(lines(2, Optional.empty())).containsExactly("load INFO f/load started in another execution");
        assertThat(lines(1, Optional.of("load"))).isEmpty();
    }

    @Test
    void aSecretInALineIsMaskedAndAFailureKeepsItsCause() throws Exception {
        try (StepLogs.Session log = logs.open(3, 31, "load")) {
            FERRY.log(java.util.logging.Level.SEVERE, "the warehouse said", new IllegalStateException("bad key s3cr3t-Key-99 for oss://b"));
        }
        assertThat(lines(3, Optional.empty())).containsExactly("load ERROR the warehouse said: bad key **** for oss://b");
    }

    @Test
    void aLongStepKeepsItsNewestLines() throws Exception {
        try (StepLogs.Session log = logs.open(4, 41, "extract")) {
            for (int i = 1; i <= StepLogs.KEPT + 700; i++) {
                FERRY.info("line " + i);
            }
        }
        List<String> kept = lines(4, Optional.empty());
        assertThat(kept).hasSize(StepLogs.KEPT);
        assertThat(kept.get(0)).isEqualTo("extract INFO line 701");
        assertThat(kept.get(kept.size() - 1)).isEqualTo("extract INFO line " + (StepLogs.KEPT + 700));
    }
}
