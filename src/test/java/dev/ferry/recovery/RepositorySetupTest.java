package dev.ferry.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Postgres;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jberet.repository.JdbcRepository;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Nodes that start at the same moment on a new repository all set it up: none dies on the others' CREATE TABLE. */
class RepositorySetupTest {

    static final int NODES = 8;

    @Test
    void eightNodesStartingAtOnceOnANewRepositoryAllJoin() throws Exception {
        for (int round = 0; round < 4; round++) {
            try (Postgres postgres = new Postgres()) {
                PGSimpleDataSource repository = new PGSimpleDataSource();
                repository.setURL(postgres.createDatabase("setup"));
                repository.setUser("postgres");
                CyclicBarrier together = new CyclicBarrier(NODES);
                ExecutorService nodes = Executors.newFixedThreadPool(NODES);
                try {
                    List<Future<?>> joined = new ArrayList<>();
                    for (int n = 0; n < NODES; n++) {
                        long pid = n;
                        joined.add(nodes.submit(() -> {
                            together.await();
                            // As a runtime starts: JBeret's tables, then Ferry's.
                            RepositorySetup.exclusively(repository, () -> new JdbcRepository(repository, new Properties()));
                            new Node(repository, new ExecutionOwners(repository, "node-" + pid, pid, "serve", Node.STALE_AFTER), () -> null,
                                    java.util.Optional.of(new OrphanRestarts(repository, new SmallRyeConfigBuilder().build(), "node-" + pid,
                                            id -> id)), java.time.Clock.systemUTC()).join();
                            return null;
                        }));
                    }
                    for (Future<?> node : joined) {
                        node.get();
                    }
                } finally {
                    nodes.shutdownNow();
                }
                assertThat(Postgres.count(repository.getURL(), "SELECT count(*) FROM ferry_owner")).isEqualTo(NODES);
            }
        }
    }
}
