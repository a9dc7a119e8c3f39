package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * mode append loads a partition into a table once: the warehouse records it in the load's own transaction, so
 * a restart after the load committed (a crash before JBeret recorded the step, an acknowledgement lost) or
 * another flow appending the same partition loads nothing; only a forced rerun appends it again, and says so.
 */
@ExtendWith(PerClassDatabases.class)
class AppendOnceTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        pipeline.createReferenceTables(100);
        Path flows = pipeline.flowsFolder();
        for (String name : new String[] {"appends", "appends-too"}) {
            FlowFile.named(name)
                    .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                            "target", "appends/${mydate}/")
                    .step("load", "load", "database", "warehouse", "table", "t_target", "source", "appends/${mydate}/", "mode", "append",
                            "loadedTable", "public.ferry_loaded")
                    .writeTo(flows);
        }
    }

    @Test
    void aRestartAfterTheLoadCommittedButBeforeJBeretRecordedItAppendsNothing() {
        assertThat(pipeline.cli("run", "appends", "-d", "20240101").exitCode()).isZero();
        long id = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
        // What a kill -9 right after the warehouse's commit leaves: the rows are in, JBeret still thinks the load failed.
        Postgres.execute(pipeline.repository, "UPDATE job_execution SET batchstatus = 'FAILED' WHERE jobexecutionid = " + id,
                "UPDATE step_execution SET batchstatus = 'FAILED' WHERE jobexecutionid = " + id + " AND stepname = 'load'");

        Pipeline.CliResult restart = pipeline.cli("restart", String.valueOf(id));

        assertThat(restart.exitCode()).isZero();
        assertThat(restart.err()).contains("nothing: ").contains("was appended to t_target by flow appends (mydate 20240101, execution " + id + ")")
                .contains("--force appends it again and doubles its 100 row(s)");
        assertThat(pipeline.targetRows("2024-01-01")).isEqualTo(100);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM public.ferry_loaded WHERE target = 't_target' AND mydate = '20240101'")).isEqualTo(1);
    }

    @Test
    void anotherFlowAppendingTheSamePartitionLoadsNothingAndAForcedRerunAppendsItAgainSayingSo() {
        assertThat(pipeline.cli("run", "appends", "-d", "20240102").exitCode()).isZero();
        Pipeline.CliResult other = pipeline.cli("run", "appends-too", "-d", "20240102", "-p", "ferry.steps=load");
        assertThat(other.exitCode()).isZero();
        assertThat(other.err()).contains("nothing: ");
        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(100);

        Pipeline.CliResult forced = pipeline.cli("run", "appends", "-d", "20240102", "--force", "-p", "ferry.steps=load");

        assertThat(forced.exitCode()).isZero();
        assertThat(forced.err()).contains("again, as forced").contains("its 100 row(s) are now there twice");
        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(200);
    }
}
