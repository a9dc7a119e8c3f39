package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Pipeline;
import dev.ferry.testing.S3Server;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passwords and access keys from the configuration appear nowhere a person reads: output, logs, history. */
class SecretsTest {

    static final String DB_PASSWORD = "Db-Secret-7f3a9c";
    static Pipeline pipeline;
    static S3Server s3;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        s3 = new S3Server();
        pipeline = new Pipeline(dir).withS3Store(s3, "secrets");
        pipeline.createReferenceTables(50);
        // Local PostgreSQL trusts every login, so these passwords are sent nowhere but must still never be shown.
        pipeline.config.set("ferry.db.source.password", DB_PASSWORD)
                .set("ferry.db.warehouse.password", DB_PASSWORD)
                .set("ferry.repository.password", DB_PASSWORD)
                .set("ferry.db.broken.url", "jdbc:postgresql://127.0.0.1:1/x?password=" + DB_PASSWORD)
                .set("ferry.db.broken.password", DB_PASSWORD)
                .set("ferry.db.broken.connect-timeout", "1");
    }

    @AfterAll
    static void tearDown() throws Exception {
        pipeline.close();
        s3.close();
    }

    @Test
    void noSecretAppearsInOutputLogsOrHistoryEvenVerbose() {
        Pipeline.CliResult ok = pipeline.cli("-v", "run", "rds-to-adb", "--date", "20240101");
        pipeline.config.set("ferry.db.source.url", "jdbc:postgresql://127.0.0.1:1/x").set("ferry.db.source.connect-timeout", "1");
        Pipeline.CliResult failed = pipeline.cli("-v", "run", "rds-to-adb", "--date", "20240102");
        pipeline.config.set("ferry.db.source.url", "jdbc:postgresql://127.0.0.1:1/x?user=postgres&password=" + DB_PASSWORD);
        Pipeline.CliResult failedWithUrlPassword = pipeline.cli("-v", "run", "rds-to-adb", "--date", "20240102", "--force");
        Pipeline.CliResult history = pipeline.cli("-v", "executions");

        assertThat(ok.exitCode()).isZero();
        assertThat(failed.exitCode()).as("refused before it starts: a database it needs does not answer").isEqualTo(2);
        assertThat(failed.err()).contains("cannot connect to database 'source'");
        assertThat(failedWithUrlPassword.err()).contains("password=****");
        assertThat(history.out()).contains("COMPLETED");
        for (Pipeline.CliResult result : new Pipeline.CliResult[] {ok, failed, failedWithUrlPassword, history}) {
            assertThat(result.all()).doesNotContain(DB_PASSWORD).doesNotContain(S3Server.SECRET_KEY)
                    .doesNotContain(S3Server.ACCESS_KEY);
        }
    }
}
